import Foundation
import StewardTesting
import Testing

/// Canary rollouts end to end: `steward proxy`, `steward agent` and `steward serve` as real
/// processes, demo-app as the service, and a client on the stable port. The analysis reads the
/// proxy's own per-release windows.
@Suite struct CanaryTests {
    /// 20 % to the canary, then a gate, with the same rule as a rollback rule: fast on purpose.
    static let canaryKeys = """
        strategy: canary
        readinessTimeout: 10s
        keepPrevious: 1s
        canary:
          steps:
            - weight: 20
            - analysis: ["error_rate > 5% for 3s min 20"]
        rollback: ["error_rate > 5% for 3s min 20"]
        """.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")

    /// A cluster serving 1.0.0 (deployed rolling) on its stable port.
    func servingFirstRelease() async throws -> StewardCluster {
        let cluster = try await StewardCluster.start(withProxy: true, deploy: Self.canaryKeys)
        let first = try await cluster.deploy(version: "1.0.0", strategy: "rolling")
        let finished = try await cluster.waitUntilFinished(first.id, timeout: .seconds(60))
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "1.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }
        return cluster
    }

    /// A canary answering 30 % errors is rolled back by the rule: it fails, naming the rule and the
    /// value, its weight drops to 0 and its instances stop; the stable release never stopped serving.
    @Test func aBadCanaryIsRolledBackByItsRule() async throws {
        let cluster = try await servingFirstRelease()
        defer { cluster.shutdown() }
        let load = StatusCounter(url: cluster.stableURL + "/api/version", http: cluster.http)
        let loop = Task { await load.run() }
        defer { loop.cancel() }

        let canary = try await cluster.deploy(version: "2.0.0", set: ["ERROR_RATE": "0.3"])
        let finished = try await cluster.waitUntilFinished(canary.id, timeout: .seconds(90))
        load.stop()
        await loop.value

        #expect(finished.phase == "failed", "\(cluster.logs())")
        let reason = finished.reason ?? ""
        #expect(reason.contains("error_rate > 5% for 3s min 20"), "\(reason)")
        #expect(reason.contains("measured"), "\(reason)")
        #expect(finished.weight == 0)
        let ruleFailed = try await cluster.events(type: "deployment.rule-failed")
        #expect(ruleFailed.count == 1)
        // The canary had traffic (that is how it was caught), the stable release answered the rest.
        #expect(load.count(of: "2.0.0") > 0)
        #expect(load.count(of: "1.0.0") > 0)
        #expect(load.transportErrors.isEmpty, "\(load.transportErrors.prefix(3))")
        #expect(try await cluster.stableVersion() == "1.0.0")
        let running = try await cluster.agentInstances().map(\.spec.id)
        #expect(!running.contains { canary.newInstances.contains($0) }, "canary instances still run: \(running)")
    }

    /// A healthy canary passes its analysis, goes to 100 %, keeps 1.0.0 warm for a second, then
    /// succeeds; not one request failed on the stable port.
    @Test func aHealthyCanaryIsPromotedToAllTraffic() async throws {
        let cluster = try await servingFirstRelease()
        defer { cluster.shutdown() }
        let load = StatusCounter(url: cluster.stableURL + "/api/version", http: cluster.http)
        let loop = Task { await load.run() }
        defer { loop.cancel() }

        let canary = try await cluster.deploy(version: "2.0.0")
        let finished = try await cluster.waitUntilFinished(canary.id, timeout: .seconds(90))
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "2.0.0 alone on the stable port") {
            (try? await cluster.stableVersion()) == "2.0.0"
        }
        load.stop()
        await loop.value

        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        #expect(finished.weight == 100)
        #expect(try await cluster.events(type: "deployment.analysis-passed").count == 1)
        #expect(load.failures.isEmpty, "\(load.failures.prefix(3))")
        #expect(load.count(of: "2.0.0") > 0)
    }

    /// Without traffic a canary's analysis cannot decide: well past its 3 s window it still waits
    /// at the gate with 20 %, never promoted; a person aborts it.
    @Test func aCanaryWithoutTrafficNeverPasses() async throws {
        let cluster = try await servingFirstRelease()
        defer { cluster.shutdown() }
        let canary = try await cluster.deploy(version: "2.0.0")
        try await eventually(timeout: .seconds(30), pollEvery: .milliseconds(100), "the canary at its analysis step") {
            let current = try await cluster.deployment(canary.id)
            return current.step == 1 && current.weight == 20
        }
        // Three windows' worth of seconds, measured by the proxy's clock of no requests at all.
        let waitedUntil = ContinuousClock.now + .seconds(9)
        try await eventually(timeout: .seconds(15), pollEvery: .milliseconds(200), "nine seconds at the gate") {
            let current = try await cluster.deployment(canary.id)
            #expect(current.step == 1 && current.phase == "rolling", "moved on without data: \(current)")
            return ContinuousClock.now >= waitedUntil
        }
        #expect(try await cluster.events(type: "deployment.analysis-passed").isEmpty)
        let aborted = try await cluster.api("POST", "/deployments/\(canary.id)/abort", json: Data(#"{"reason":"no traffic"}"#.utf8))
        #expect(aborted.status == 202, "\(aborted.text)")
        let finished = try await cluster.waitUntilFinished(canary.id, timeout: .seconds(30))
        #expect(finished.phase == "failed")
    }
}

/// A client that loops on one URL and counts the versions answered, the other statuses, and
/// transport errors (refused, reset): what users of the stable port would see.
final class StatusCounter: @unchecked Sendable {
    let url: String
    let http: HTTPTestClient
    private let lock = NSLock()
    private var versions: [String: Int] = [:]
    private var otherStatuses: [String] = []
    private var transport: [String] = []
    private var stopped = false

    init(url: String, http: HTTPTestClient) {
        self.url = url
        self.http = http
    }

    func stop() { lock.withLock { stopped = true } }
    func count(of version: String) -> Int { lock.withLock { versions[version] ?? 0 } }
    /// Answers that were not 200 with a version, and transport errors.
    var failures: [String] { lock.withLock { otherStatuses + transport } }
    var transportErrors: [String] { lock.withLock { transport } }
    /// Every request made so far, answered or not.
    var total: Int { lock.withLock { versions.values.reduce(0, +) + otherStatuses.count + transport.count } }

    /// Requests one after the other until stopped (or 100,000 requests, a bound for a runaway test).
    func run() async {
        for _ in 0..<100_000 {
            if Task.isCancelled || lock.withLock({ stopped }) { return }
            do {
                let answer = try await http.get(url)
                if answer.status == 200, let version = try? answer.decode(VersionAnswer.self).version {
                    lock.withLock { versions[version, default: 0] += 1 }
                } else {
                    lock.withLock { otherStatuses.append("\(answer.status) \(answer.text.prefix(120))") }
                }
            } catch {
                lock.withLock { transport.append("\(error)") }
            }
        }
    }
}
