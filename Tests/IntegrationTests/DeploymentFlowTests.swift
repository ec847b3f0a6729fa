import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StewardTesting
import Testing

/// Deployments end to end: real `steward agent` and `steward serve` processes deploying real
/// `demo-app` instances, checked through the API, the instances' own ports and /proc.
@Suite struct DeploymentFlowTests {
    /// Deploying 1.0.0 then 2.0.0 replaces the instances (the old processes are gone), and a
    /// rollback brings 1.0.0 back; every instance answers /api/version with the serving version.
    @Test func deployUpgradeAndRollBack() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }

        let first = try await cluster.deployAndExpectSuccess(version: "1.0.0")
        #expect(first.newInstances == ["web-development-r1-0", "web-development-r1-1"])
        let v1 = try await cluster.waitForServing(version: "1.0.0")
        let v1Pids = v1.compactMap(\.pid)
        #expect(v1Pids.count == 2)
        #expect(v1Pids.allSatisfy(ProcTable.isAlive))
        #expect(Set(cluster.markedProcesses().map(\.pid)) == Set(v1Pids))

        let second = try await cluster.deployAndExpectSuccess(version: "2.0.0")
        #expect(second.oldInstances == first.newInstances)
        let v2 = try await cluster.waitForServing(version: "2.0.0")
        #expect(v2.allSatisfy { $0.spec.release == second.release })
        // A succeeded deployment has stopped its old instances: their processes no longer exist.
        for pid in v1Pids { #expect(!ProcTable.isAlive(pid), "v1 pid \(pid) still runs") }
        let marked = cluster.markedProcesses()
        #expect(Set(marked.map(\.pid)) == Set(v2.compactMap(\.pid)))
        #expect(marked.allSatisfy { $0.instanceID?.contains("-r\(second.release)-") == true })

        let rollback = try await cluster.rollback()
        #expect(rollback.kind == "rollback")
        let rolledBack = try await cluster.waitUntilFinished(rollback.id)
        #expect(rolledBack.phase == "succeeded", "\(rolledBack.reason ?? "")\n\(cluster.logs())")
        let restored = try await cluster.waitForServing(version: "1.0.0")
        #expect(restored.allSatisfy { $0.spec.release == rollback.release })
        for pid in v2.compactMap(\.pid) { #expect(!ProcTable.isAlive(pid), "v2 pid \(pid) still runs") }
        #expect(cluster.markedProcesses().count == 2)

        let status = try #require(try await cluster.webStatus())
        #expect(status.version == "1.0.0")
        #expect(status.release == rollback.release)
        #expect(status.ready == 2)
    }

    /// A release whose instances never pass readiness (FAIL_HEALTH=1) fails with a reason naming
    /// readiness; the 1.0.0 instances answer every request throughout, and no 2.0.0 process is left.
    @Test func failedReadinessIsAbortedAndOldInstancesKeepServing() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let v1 = try await cluster.waitForServing(version: "1.0.0")
        let v1Pids = Set(v1.compactMap(\.pid))

        let watcher = ServingWatcher(ports: v1.map(\.port), http: cluster.http)
        let polling = Task { await watcher.run() }
        defer { polling.cancel() }
        let deployment = try await cluster.deploy(version: "2.0.0", set: ["FAIL_HEALTH": "1"])
        // While the deployment runs, the new instance exists but is not ready.
        try await eventually(timeout: .seconds(10), "the 2.0.0 instance to run, not ready") {
            try await cluster.instances().contains { $0.spec.release == deployment.release && $0.pid != nil && !$0.ready }
        }
        let finished = try await cluster.waitUntilFinished(deployment.id)
        await watcher.stop()
        _ = await polling.value

        #expect(finished.phase == "failed")
        let reason = finished.reason ?? ""
        #expect(reason.contains("not ready within"), "reason: \(reason)")
        #expect(reason.contains("web-development-r\(deployment.release)-0"), "reason: \(reason)")
        let report = await watcher.report()
        #expect(report.failures.isEmpty, "requests to 1.0.0 failed during the deployment: \(report.failures.prefix(5))")
        #expect(report.successes >= 5, "too few requests reached 1.0.0 to prove anything: \(report.successes)")

        // Afterwards: only the 1.0.0 processes, the same ones, still serving.
        let marked = cluster.markedProcesses()
        #expect(Set(marked.map(\.pid)) == v1Pids, "processes with the agent marker: \(marked)")
        #expect(!marked.contains { $0.instanceID?.contains("-r\(deployment.release)-") == true })
        let after = try await cluster.instances()
        #expect(after.map(\.id) == v1.map(\.id))
        #expect(Set(after.compactMap(\.pid)) == v1Pids)
        for instance in v1 { #expect(try await cluster.version(onPort: instance.port) == "1.0.0") }
        let status = try #require(try await cluster.webStatus())
        #expect(status.version == "1.0.0")
        #expect(status.ready == 2)
    }

    /// A release that crashes on start (CRASH_ON_START=1) fails because its instance failed —
    /// not by waiting out the readiness timeout — and the 1.0.0 instances stay untouched.
    @Test func crashingReleaseFailsAndOldInstancesStayUntouched() async throws {
        // A long readiness timeout: reaching it would make the test time out, so a pass proves
        // that the crash loop itself ended the deployment.
        let cluster = try await StewardCluster.start(readinessTimeout: "60s")
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let v1 = try await cluster.waitForServing(version: "1.0.0")
        let v1Pids = Set(v1.compactMap(\.pid))

        let watcher = ServingWatcher(ports: v1.map(\.port), http: cluster.http)
        let polling = Task { await watcher.run() }
        defer { polling.cancel() }
        let clock = ContinuousClock()
        let start = clock.now
        let deployment = try await cluster.deploy(version: "2.0.0", set: ["CRASH_ON_START": "1"])
        let finished = try await cluster.waitUntilFinished(deployment.id, timeout: .seconds(30))
        let elapsed = clock.now - start
        await watcher.stop()
        _ = await polling.value

        #expect(finished.phase == "failed")
        let reason = finished.reason ?? ""
        #expect(reason.contains("web-development-r\(deployment.release)-0 failed"), "reason: \(reason)")
        #expect(!reason.contains("not ready within"), "reason: \(reason)")
        #expect(elapsed < .seconds(30), "took \(elapsed)")
        let report = await watcher.report()
        #expect(report.failures.isEmpty, "requests to 1.0.0 failed during the deployment: \(report.failures.prefix(5))")

        let after = try await cluster.instances()
        #expect(after.map(\.id) == v1.map(\.id))
        #expect(Set(after.compactMap(\.pid)) == v1Pids)
        #expect(Set(cluster.markedProcesses().map(\.pid)) == v1Pids)
        for instance in v1 { #expect(try await cluster.version(onPort: instance.port) == "1.0.0") }
    }
}

/// Polls a set of instance ports until stopped, recording every request that did not answer
/// 200 (a refused connection counts as a failure).
actor ServingWatcher {
    struct Report: Sendable {
        var successes: Int
        var failures: [String]
    }

    let ports: [Int]
    let http: HTTPTestClient
    private var running = true
    private var successes = 0
    private var failures: [String] = []

    init(ports: [Int], http: HTTPTestClient) {
        self.ports = ports
        self.http = http
    }

    func run() async {
        while running, !Task.isCancelled {
            for port in ports {
                do {
                    let answer = try await http.get("http://127.0.0.1:\(port)/api/version")
                    if answer.status == 200 { successes += 1 } else { failures.append(":\(port) answered \(answer.status)") }
                } catch {
                    failures.append(":\(port) \(error)")
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() { running = false }

    func report() -> Report { Report(successes: successes, failures: failures) }
}
