import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StewardTesting
import Testing

/// Killing Steward's own processes with SIGKILL: instances keep serving, and a restarted
/// control plane or agent picks up exactly where the dead one stopped — no duplicates, no orphans.
@Suite struct CrashRecoveryTests {
    /// With the control plane killed, the instances keep running with the same pids; a restarted
    /// control plane re-adopts them (controlplane.started with adoptedInstances 2, no new process)
    /// and deploys again.
    @Test func controlPlaneKilledAndRestartedReadoptsInstances() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let v1 = try await cluster.waitForServing(version: "1.0.0")
        let pids = Set(v1.compactMap(\.pid))
        #expect(pids.count == 2)

        cluster.killServer()
        for instance in v1 { #expect(try await cluster.version(onPort: instance.port) == "1.0.0") }
        #expect(try await Set(cluster.agentInstances().compactMap(\.pid)) == pids)
        #expect(Set(cluster.markedProcesses().map(\.pid)) == pids)

        try await cluster.startServer()
        var started: [EventView] = []
        try await eventually(timeout: .seconds(10), "a second controlplane.started event") {
            started = try await cluster.events(type: "controlplane.started")
            return started.count == 2
        }
        #expect(started.last?.payload?.adoptedInstances == 2)
        #expect(started.last?.payload?.resumedDeployments == [])
        let status = try #require(try await cluster.webStatus())
        #expect(status.ready == 2)
        #expect(status.version == "1.0.0")
        #expect(Set(status.instances.compactMap(\.pid)) == pids)
        #expect(Set(cluster.markedProcesses().map(\.pid)) == pids, "the restart started or lost processes")

        let second = try await cluster.deployAndExpectSuccess(version: "2.0.0")
        let v2 = try await cluster.waitForServing(version: "2.0.0")
        #expect(v2.allSatisfy { $0.spec.release == second.release })
        for pid in pids { #expect(!ProcTable.isAlive(pid), "v1 pid \(pid) still runs") }
        #expect(Set(cluster.markedProcesses().map(\.pid)) == Set(v2.compactMap(\.pid)))
    }

    /// A control plane killed right after accepting a deployment (while it is rolling) resumes it
    /// on restart: the deployment succeeds and exactly the new release's two processes remain.
    @Test func controlPlaneKilledMidDeploymentResumesIt() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let v1 = try await cluster.waitForServing(version: "1.0.0")

        let deployment = try await cluster.deploy(version: "2.0.0")
        #expect(deployment.phase == "rolling")
        cluster.killServer()

        try await cluster.startServer()
        let finished = try await cluster.waitUntilFinished(deployment.id)
        #expect(finished.phase == "succeeded", "\(finished.reason ?? "")\n\(cluster.logs())")
        let v2 = try await cluster.waitForServing(version: "2.0.0")
        #expect(v2.map(\.id) == ["web-development-r\(deployment.release)-0", "web-development-r\(deployment.release)-1"])
        for pid in v1.compactMap(\.pid) { #expect(!ProcTable.isAlive(pid), "v1 pid \(pid) still runs") }
        // Exactly one process per new instance: nothing started twice, nothing left behind.
        let marked = cluster.markedProcesses()
        #expect(marked.count == 2, "processes with the agent marker: \(marked)")
        #expect(Set(marked.map(\.pid)) == Set(v2.compactMap(\.pid)))
        #expect(Set(marked.compactMap(\.instanceID)) == Set(v2.map(\.id)))
        let started = try await cluster.events(type: "controlplane.started")
        #expect(started.count == 2)
    }

    /// With the agent killed the instances keep running; a restarted agent adopts the same pids
    /// (no duplicates). An instance killed while the agent is down is started again, and a
    /// process with the agent's marker that the agent never recorded is killed.
    @Test func agentKilledAndRestartedAdoptsReplacesAndCleansUp() async throws {
        let cluster = try await StewardCluster.start()
        defer { cluster.shutdown() }
        try await cluster.deployAndExpectSuccess(version: "1.0.0")
        let v1 = try await cluster.waitForServing(version: "1.0.0")
        let pids = Set(v1.compactMap(\.pid))
        #expect(pids.count == 2)

        // 1. Kill the agent: the instances keep serving.
        cluster.killAgent()
        for instance in v1 { #expect(try await cluster.version(onPort: instance.port) == "1.0.0") }
        #expect(Set(cluster.markedProcesses().map(\.pid)) == pids)

        // 2. Restart it: the same processes are adopted, none is added.
        try await cluster.startAgent()
        var adopted: [InstanceView] = []
        try await eventually(timeout: .seconds(10), "the restarted agent to report both instances ready") {
            adopted = try await cluster.agentInstances()
            return adopted.count == 2 && adopted.allSatisfy { $0.ready }
        }
        #expect(adopted.map(\.id) == v1.map(\.id))
        #expect(Set(adopted.compactMap(\.pid)) == pids)
        #expect(adopted.allSatisfy { $0.adopted })
        #expect(Set(cluster.markedProcesses().map(\.pid)) == pids, "duplicate or lost processes after adoption")
        try await eventually(timeout: .seconds(10), "the control plane to see the adopted instances") {
            let seen = try await cluster.instances()
            return Set(seen.compactMap(\.pid)) == pids && seen.allSatisfy { $0.ready && $0.adopted }
        }
        #expect(Set(cluster.markedProcesses().map(\.pid)) == pids, "duplicate or lost processes after adoption")

        // 3. Kill the agent again; while it is down, one instance dies and a stray with the
        //    agent's marker appears.
        cluster.killAgent()
        let victim = try #require(v1.first)
        let survivor = try #require(v1.last)
        let victimPid = try #require(victim.pid)
        signalProcess(SIGKILL, to: -victimPid)
        signalProcess(SIGKILL, to: victimPid)
        try await eventually("the killed instance to be gone") { !ProcTable.isAlive(victimPid) }
        let stray = try cluster.launchExtra("/bin/sleep", ["300"], environment: ["STEWARD_AGENT_ID": cluster.agentID])
        try await eventually("the stray to carry the marker") {
            cluster.markedProcesses().contains { $0.pid == stray.pid }
        }

        // 4. Restart: the stray is killed, the dead instance replaced, the survivor kept.
        try await cluster.startAgent()
        try await eventually(timeout: .seconds(5), "the agent to kill the unrecorded process") { !stray.isRunning }
        var onAgent: [InstanceView] = []
        try await eventually(timeout: .seconds(15), "the agent to run both instances again, ready") {
            onAgent = try await cluster.agentInstances()
            return onAgent.count == 2 && onAgent.allSatisfy { $0.ready && $0.pid != nil }
        }
        #expect(onAgent.map(\.id) == v1.map(\.id))
        let replaced = try #require(onAgent.first { $0.id == victim.id })
        #expect(replaced.pid != victimPid)
        #expect(!replaced.adopted)
        let kept = try #require(onAgent.first { $0.id == survivor.id })
        #expect(kept.pid == survivor.pid)
        #expect(kept.adopted)
        let marked = cluster.markedProcesses()
        #expect(marked.count == 2, "processes with the agent marker: \(marked)")
        #expect(Set(marked.map(\.pid)) == Set(onAgent.compactMap(\.pid)))
        #expect(Set(marked.compactMap(\.instanceID)) == Set(v1.map(\.id)))
        // The control plane converges on the same two processes, and both serve 1.0.0.
        try await eventually(timeout: .seconds(10), "the control plane to see the restarted agent's instances") {
            let seen = try await cluster.instances()
            return Set(seen.compactMap(\.pid)) == Set(onAgent.compactMap(\.pid)) && seen.allSatisfy { $0.ready }
        }
        for instance in onAgent { #expect(try await cluster.version(onPort: instance.port) == "1.0.0") }
        #expect(cluster.markedProcesses().count == 2)
    }
}
