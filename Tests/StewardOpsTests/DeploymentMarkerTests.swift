import Foundation
import StewardCore
import StewardOps
import StewardRuntime
import StewardStore
import StewardTesting
import Synchronization
import Testing

/// Deployment markers posted to a real local HTTP server: the body, retries, and no secret in what is shown.
struct DeploymentMarkerTests {
    static let token = "hook-s3cret-token"

    /// A control plane whose log holds one finished deployment of `api` 1.4.2 to production, requested by alice.
    static func controlPlane(hook: String) throws -> (ControlPlane, Int) {
        let text = """
            version: 1
            stack: shop
            services:
              api: {command: /bin/true}
            environments:
              production:
                markerWebhook: \(hook)/hooks/deploy?token=${secret:HOOK_TOKEN}
            """
        let stack = try StackFile.parse(text, file: "steward.yaml").get()
        let log = try EventLog.inMemory()
        let time = Date(timeIntervalSince1970: 1_790_000_000)
        let target = ServiceEnvironment(service: "api", environment: "production")
        let spec = try #require(stack.effectiveService("api", in: "production"))
        let release = Release(
            number: 1, service: "api", environment: "production", version: "1.4.2", spec: spec, createdAt: time, createdBy: "alice")
        let deployment = Deployment(
            id: 1, target: target, release: 1, previousRelease: nil, oldInstances: [], newInstances: release.instanceIDs,
            batchSize: 1, readinessTimeout: .seconds(30), requestedBy: "alice", createdAt: time)
        var finished = deployment
        finished.progress = Deployment.Progress(
            phase: .succeeded, batch: 1, ready: Set(release.instanceIDs), stopped: [], retired: [], deadline: nil,
            reason: nil, startedAt: time, finishedAt: time.addingTimeInterval(12))
        let events: [StewardEvent] = [
            .stackApplied(StackApplied(spec: stack, digest: "d", file: "steward.yaml")), .releaseCreated(release),
            .deploymentCreated(deployment), .deploymentStep(id: 1, .start(at: time), result: finished.progress),
            .deploymentFinished(.init(id: 1, target: target, release: 1, phase: .succeeded, reason: nil, at: time.addingTimeInterval(12))),
        ]
        try log.append(events.map { event in
            let encoded = try event.encoded()
            return NewEvent(type: encoded.type, subject: encoded.subject, actor: "alice", time: time, payload: encoded.payload)
        })
        let controlPlane = try ControlPlane(
            log: log, agent: AgentClient(baseURL: "http://127.0.0.1:9", token: "unused"),
            secrets: SecretSource { $0 == "HOOK_TOKEN" ? token : nil }, baseDirectory: NSTemporaryDirectory())
        return (controlPlane, 1)
    }

    /// Two failures then a 2xx: delivered on the third attempt, with the service, environment, version,
    /// outcome, user and time; the server saw the secret in the URL, the delivery report does not show it.
    @Test func markerIsRetriedUntilDelivered() async throws {
        let answered = Mutex(0)
        let server = try TestHTTPServer.start { _ in
            let count = answered.withLock { $0 += 1; return $0 }
            return TestHTTPResponse(status: count < 3 ? 503 : 204, body: count < 3 ? "busy" : "", headers: [:])
        }
        defer { server.stop() }
        let (controlPlane, id) = try Self.controlPlane(hook: server.url)
        let delivery = try #require(await controlPlane.deliverMarker(of: id, backoff: .milliseconds(10)))
        #expect(delivery.failure == nil)
        #expect(delivery.attempts == 3)
        #expect(delivery.url == "\(server.url)/hooks/deploy?token=${secret:HOOK_TOKEN}")
        let requests = server.requests
        #expect(requests.count == 3)
        let last = try #require(requests.last)
        #expect(last.method == "POST")
        #expect(last.path == "/hooks/deploy?token=\(Self.token)")
        let body = try #require(JSONSerialization.jsonObject(with: Data(last.body.utf8)) as? [String: Any])
        #expect(body["service"] as? String == "api")
        #expect(body["environment"] as? String == "production")
        #expect(body["version"] as? String == "1.4.2")
        #expect(body["outcome"] as? String == "succeeded")
        #expect(body["user"] as? String == "alice")
        #expect(body["deployment"] as? Int == 1)
        #expect(body["time"] as? String == "2026-09-21T14:13:32.000Z")
    }

    /// A webhook that always fails: given up after the attempts, the failure reported without the secret.
    @Test func failingWebhookGivesUpWithoutLeakingTheSecret() async throws {
        let server = try TestHTTPServer.start { request in
            TestHTTPResponse(status: 500, body: "no such token \(request.path)", headers: [:])
        }
        defer { server.stop() }
        let (controlPlane, id) = try Self.controlPlane(hook: server.url)
        let delivery = try #require(await controlPlane.deliverMarker(of: id, attempts: 2, backoff: .milliseconds(10)))
        #expect(server.requests.count == 2)
        let failure = try #require(delivery.failure)
        #expect(failure.hasPrefix("HTTP 500"))
        #expect(!failure.contains(Self.token), "\(failure)")
        #expect(await controlPlane.deliverMarker(of: 99) == nil, "no such deployment: nothing to post")
    }
}
