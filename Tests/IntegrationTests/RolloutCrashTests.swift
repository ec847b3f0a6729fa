import Foundation
import StewardTesting
import Testing

/// Blue/green and canary rollouts while Steward's own processes are killed: `steward proxy`,
/// `steward agent` and `steward serve` as real processes, clients looping on the stable port.
@Suite struct RolloutCrashTests {
    /// Indents stack-file lines under `deploy:`.
    static func deployKeys(_ text: String) -> String {
        text.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
    }

    /// Blue/green with a smoke command that must reach green through the header override and see its version.
    static let blueGreenKeys = deployKeys("""
        strategy: blue-green
        readinessTimeout: 20s
        keepPrevious: 10m
        healthCheckRetries: 3
        smoke:
          - ["python3", "-c", 'import os, urllib.request as u; b = u.urlopen(u.Request(os.environ["STEWARD_URL"] + "/api/version", headers={"X-Steward-Release": os.environ["STEWARD_RELEASE"]}), timeout=5).read().decode(); assert os.environ["STEWARD_VERSION"] in b, b']
        """)

    /// A canary with every kind of step, short enough to walk in seconds.
    static let canaryKeys = deployKeys("""
        strategy: canary
        readinessTimeout: 20s
        keepPrevious: 3s
        canary:
          steps:
            - weight: 20
            - pause: 2s
            - weight: 50
            - analysis: ["error_rate > 5% for 2s min 10"]
        rollback: ["error_rate > 5% for 2s min 10"]
        """)

    /// Serves 1.0.0 (deployed rolling) and starts `clients` loops on the stable port.
    func servingUnderLoad(_ keys: String, clients: Int = 3) async throws -> (StewardCluster, [StatusCounter], [Task<Void, Never>]) {
        let cluster = try await StewardCluster.start(withProxy: true, deploy: keys)
        let first = try await cluster.deploy(version: "1.0.0", strategy: "rolling")
        let finished = try await cluster.waitUntilFinished(first.id, timeout: .seconds(60))
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "1.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }
        let counters = (0..<clients).map { _ in StatusCounter(url: cluster.stableURL + "/api/version", http: cluster.http) }
        let loops = counters.map { counter in Task { await counter.run() } }
        return (cluster, counters, loops)
    }

    /// Waits until the clients together made `more` requests beyond what they had made.
    func waitForRequests(_ counters: [StatusCounter], more: Int) async throws {
        let start = counters.reduce(0) { $0 + $1.total }
        try await eventually(timeout: .seconds(120), pollEvery: .milliseconds(20), "\(more) more requests on the stable port") {
            counters.reduce(0) { $0 + $1.total } >= start + more
        }
    }

    /// Waits for the deployment's phase.
    func waitForPhase(_ cluster: StewardCluster, _ id: Int, _ phase: String) async throws -> DeploymentView {
        var last: DeploymentView?
        do {
            try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(50), "deployment \(id) \(phase)") {
                last = try? await cluster.deployment(id)
                return last?.phase == phase
            }
        } catch {
            Issue.record("deployment \(id) never \(phase): \(String(describing: last))\n\(cluster.logs())")
            throw error
        }
        return try #require(last)
    }

    /// A blue/green switch under load, a SIGKILL of the control plane while blue is warm, an
    /// instant rollback, then a second switch during which the agent is SIGKILLed and restarted:
    /// not one request on the stable port fails.
    @Test func blueGreenSwitchRollbackAndCrashesLoseNoRequest() async throws {
        let (cluster, counters, loops) = try await servingUnderLoad(Self.blueGreenKeys)
        defer {
            loops.forEach { $0.cancel() }
            cluster.shutdown()
        }
        try await waitForRequests(counters, more: 500)

        // Switch: green starts beside blue, passes its smoke command, takes all the traffic; blue stays warm.
        let green = try await cluster.deploy(version: "2.0.0")
        _ = try await waitForPhase(cluster, green.id, "warm")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "2.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "2.0.0"
        }
        #expect(try await cluster.events(type: "deployment.smoke-passed").count == 1)
        try await waitForRequests(counters, more: 500)

        // The control plane dies while blue is warm; traffic does not notice, the restart resumes.
        cluster.killServer()
        try await waitForRequests(counters, more: 500)
        try await cluster.startServer()
        #expect(try await cluster.deployment(green.id).phase == "warm")

        // Rollback while warm: one weight flip back to blue, green stops.
        let rollback = try await cluster.rollback()
        #expect(rollback.id == green.id, "a rollback while warm aborts the switch instead of deploying anew")
        #expect(rollback.reason?.contains("warm previous release") == true, "\(rollback.reason ?? "")")
        try await eventually(timeout: .seconds(10), pollEvery: .milliseconds(20), "1.0.0 back on the stable port") {
            (try? await cluster.stableVersion()) == "1.0.0"
        }
        let rolledBack = try await cluster.waitUntilFinished(green.id, timeout: .seconds(30))
        #expect(rolledBack.phase == "failed")
        try await waitForRequests(counters, more: 500)

        // A second switch with the agent killed and restarted while green starts.
        let next = try await cluster.deploy(version: "3.0.0")
        cluster.killAgent()
        try await waitForRequests(counters, more: 300)
        try await cluster.startAgent()
        _ = try await waitForPhase(cluster, next.id, "warm")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "3.0.0 on the stable port") {
            (try? await cluster.stableVersion()) == "3.0.0"
        }
        try await waitForRequests(counters, more: 500)

        counters.forEach { $0.stop() }
        for loop in loops { await loop.value }
        let failures = counters.flatMap(\.failures)
        let total = counters.reduce(0) { $0 + $1.total }
        #expect(failures.isEmpty, "\(failures.count) of \(total) failed: \(failures.prefix(5))\n\(cluster.logs())")
        #expect(counters.reduce(0) { $0 + $1.count(of: "2.0.0") } > 0)
        #expect(counters.reduce(0) { $0 + $1.count(of: "3.0.0") } > 0)
    }

    /// At every step of a canary (starting, 20 %, the pause, 50 %, the analysis, the warm period)
    /// the control plane is SIGKILLed and restarted: the canary still ends promoted, each new
    /// instance ran once (same pid throughout), each step was recorded once, and the clients on
    /// the stable port saw no failed request.
    @Test func canaryResumesAfterAKillAtEveryStep() async throws {
        let (cluster, counters, loops) = try await servingUnderLoad(Self.canaryKeys)
        defer {
            loops.forEach { $0.cancel() }
            cluster.shutdown()
        }
        try await waitForRequests(counters, more: 300)
        let canary = try await cluster.deploy(version: "2.0.0")

        var killedAt: [String] = []
        var pids: [String: Int32] = [:]
        var current = canary
        while !current.isFinished {
            let point = "\(current.phase)/step \(current.step ?? 0)/weight \(current.weight ?? 0)"
            if !killedAt.contains(point) {
                for instance in try await cluster.agentInstances() where canary.newInstances.contains(instance.id) {
                    if let pid = instance.pid, pids[instance.id] == nil { pids[instance.id] = pid }
                }
                cluster.killServer()
                killedAt.append(point)
                try await waitForRequests(counters, more: 100)
                try await cluster.startServer()
            }
            try await Task.sleep(for: .milliseconds(50))
            current = try await cluster.deployment(canary.id)
        }

        #expect(current.phase == "succeeded", "\(current.reason ?? "") after kills at \(killedAt)\n\(cluster.logs())")
        #expect(killedAt.count >= 4, "killed at \(killedAt)")
        try await eventually(timeout: .seconds(20), pollEvery: .milliseconds(50), "2.0.0 alone on the stable port") {
            (try? await cluster.stableVersion()) == "2.0.0"
        }
        // Each new instance started once: the pid seen at the first kill is the one serving now.
        let serving = try await cluster.agentInstances().filter { canary.newInstances.contains($0.id) }
        #expect(serving.count == canary.newInstances.count)
        for instance in serving where pids[instance.id] != nil {
            #expect(instance.pid == pids[instance.id], "\(instance.id) was started again")
        }
        // Each step recorded once, whatever the kills.
        let subject = "deployment/\(canary.id)"
        #expect(try await cluster.events(type: "deployment.instance-ready").filter { $0.subject == subject }.count
            == canary.newInstances.count)
        #expect(try await cluster.events(type: "deployment.woke").filter { $0.subject == subject }.count == 2)
        #expect(try await cluster.events(type: "deployment.analysis-passed").filter { $0.subject == subject }.count == 1)

        counters.forEach { $0.stop() }
        for loop in loops { await loop.value }
        let failures = counters.flatMap(\.failures)
        #expect(failures.isEmpty, "\(failures.count) failed: \(failures.prefix(5))\n\(cluster.logs())")
    }
}
