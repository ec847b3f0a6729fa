import Foundation
import StewardTesting
import Testing

/// The stable port end to end: `steward agent`, `steward serve --proxy …` and `steward proxy` as
/// real processes; a client that only knows the service's `port:` sees every request answered
/// while releases roll and while the control plane is killed.
@Suite struct StablePortTests {
    /// Deploys 1.0.0 then 2.0.0 while a client loops on the stable port: every request succeeds
    /// and the answers move from 1.0.0 to 2.0.0. Then the control plane is SIGKILLed and the
    /// requests keep succeeding (the proxy routes on its own); a proxy table emptied behind its
    /// back is pushed again by the restarted control plane, from its state.
    @Test func deploymentsAndAControlPlaneCrashDropNoRequest() async throws {
        let cluster = try await StewardCluster.start(withProxy: true)
        defer { cluster.shutdown() }

        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "1.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }

        let client = StableClient(url: cluster.stableURL + "/api/version", http: cluster.http, limit: 20_000)
        let loop = Task { await client.run() }
        defer { loop.cancel() }
        try await client.waitForAnswers(10)

        let second = try await cluster.deploy(version: "2.0.0")
        let answeredBefore = client.answers.count
        let finished = try await cluster.waitUntilFinished(second.id, timeout: .seconds(60))
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        #expect(client.answers.count > answeredBefore, "no request was made during the deployment")
        // The table after the deployment has only 2.0.0: wait for answers sent after it.
        try await client.waitForAnswers(client.answers.count + 50)

        cluster.killServer()
        let atKill = client.answers.count
        try await client.waitForAnswers(atKill + 500)
        client.stop()
        await loop.value

        let answers = client.answers
        #expect(client.failures.isEmpty, "\(client.failures.prefix(5))\n\(cluster.logs())")
        #expect(answers.first == "1.0.0")
        #expect(Set(answers).isSubset(of: ["1.0.0", "2.0.0"]))
        // Answers switch over once: after the first 2.0.0, 1.0.0 may still come back only
        // while both releases serve; after the deployment finished it is 2.0.0 only.
        #expect(answers[atKill...].allSatisfy { $0 == "2.0.0" }, "\(cluster.logs())")
        #expect(answers.count < 20_000)

        // Crash safety: the log is the truth. Empty the proxy's table while the control plane is
        // down; the restarted control plane pushes it again from its state.
        let empty = try await cluster.http.send(
            "PUT", cluster.proxyURL + "/v1/routes", token: cluster.proxyToken, json: Data(#"{"routes": []}"#.utf8))
        #expect(empty.status == 200, "\(empty.text)")
        #expect((try? await cluster.stableVersion()) == nil, "the emptied table still serves the stable port")
        try await cluster.startServer()
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "the stable port back after the restart") {
            (try? await cluster.stableVersion()) == "2.0.0"
        }
    }

    /// The routes the control plane pushes: one for web in development on the stack's `port:`,
    /// with the ready instances of the serving release as upstreams.
    @Test func theTableListsTheReadyInstancesOfTheServingRelease() async throws {
        let cluster = try await StewardCluster.start(withProxy: true)
        defer { cluster.shutdown() }
        let deployed = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let serving = try await cluster.waitForServing(version: "1.0.0")
        let expected = Set(serving.map { "127.0.0.1:\($0.port)" })
        var last = ""
        do {
            try await waitForTable(cluster, expected: expected, release: deployed.release, last: &last)
        } catch {
            Issue.record("\(error)\nlast table: \(last)\n\(cluster.logs())")
        }
    }

    private func waitForTable(_ cluster: StewardCluster, expected: Set<String>, release: Int, last: inout String) async throws {
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "the table with both instances") {
            let answer = try await cluster.http.get(cluster.proxyURL + "/v1/routes", token: cluster.proxyToken)
            last = answer.text
            let table = try answer.decode(PushedTable.self)
            guard let route = table.routes.first else { return false }
            return table.routes.count == 1 && route.service == "web" && route.environment == "development"
                && route.listenPort == cluster.stablePort && route.releases.count == 1
                && route.releases[0].release == release && route.releases[0].weight == 100
                && Set(route.releases[0].upstreams) == expected
        }
    }
}

/// The proxy's `GET /v1/routes` answer, as much as the test reads.
private struct PushedTable: Decodable {
    struct Route: Decodable {
        var service: String
        var environment: String
        var listenPort: Int
        var releases: [Release]
    }

    struct Release: Decodable {
        var release: Int
        var weight: Int
        var upstreams: [String]
    }

    var routes: [Route]
}

extension StewardCluster {
    /// `GET /api/version` through the stable port; throws unless it answers 200.
    func stableVersion() async throws -> String {
        let answer = try await http.get(stableURL + "/api/version")
        guard answer.status == 200 else {
            throw UnexpectedAnswer(description: "the stable port answered \(answer.status): \(answer.text)")
        }
        return try answer.decode(VersionAnswer.self).version
    }
}

/// A client that asks the stable port for the version, one request after another, until stopped
/// or `limit` requests were made, and keeps every answer and every failure in order.
private final class StableClient: @unchecked Sendable {
    let url: String
    let http: HTTPTestClient
    let limit: Int
    private let lock = NSLock()
    private var versions: [String] = []
    private var failed: [String] = []
    private var stopped = false

    init(url: String, http: HTTPTestClient, limit: Int) {
        self.url = url
        self.http = http
        self.limit = limit
    }

    var answers: [String] { lock.withLock { versions } }
    var failures: [String] { lock.withLock { failed } }
    func stop() { lock.withLock { stopped = true } }

    func run() async {
        for index in 0..<limit {
            if Task.isCancelled || lock.withLock({ stopped }) { return }
            do {
                let answer = try await http.get(url)
                if answer.status == 200, let version = try? answer.decode(VersionAnswer.self).version {
                    lock.withLock { versions.append(version) }
                } else {
                    lock.withLock { failed.append("request \(index): \(answer.status) \(answer.text)") }
                }
            } catch {
                lock.withLock { failed.append("request \(index): \(error)") }
            }
        }
    }

    /// Waits until `count` answers arrived (failures count too, so a broken port ends the wait).
    func waitForAnswers(_ count: Int) async throws {
        try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(20), "\(count) answers from the stable port") {
            let (answered, failedCount) = lock.withLock { (versions.count, failed.count) }
            return answered + failedCount >= count || (answered + failedCount) >= limit
        }
    }
}
