import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The agent's supervisor against real processes: start, stop, restart, adopt, clean up.
@Suite(.serialized)
struct SupervisorTests {
    func spec(_ id: String, _ script: String, grace: TimeSpan = .seconds(2), restart: RestartPolicy = .init(), readiness: ProbeSpec? = nil, env: [String: String] = [:]) -> InstanceSpec {
        SupervisorFixtures.spec(id, script, grace: grace, restart: restart, readiness: readiness, env: env)
    }

    func makeSupervisor(_ directory: TemporaryDirectory) throws -> Supervisor {
        try SupervisorFixtures.makeSupervisor(directory)
    }

    func isAlive(_ pid: Int32) -> Bool { SupervisorFixtures.isAlive(pid) }

    /// An instance starts with its port and identity injected; starting it again is a no-op.
    @Test func startsWithEnvironmentAndIsIdempotent() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        let instance = spec("a-0", #"echo "port=$PORT id=$STEWARD_INSTANCE_ID x=$X"; exec sleep 300"#, env: ["X": "on-${port}"])
        let first = try await supervisor.ensureRunning(instance)
        let second = try await supervisor.ensureRunning(instance)
        #expect(first.pid != nil)
        #expect(second.pid == first.pid)
        let port = first.port
        try await eventually("the instance writes its environment to its log") {
            await supervisor.readLog("a-0", offset: 0, limit: 4096)?.text.contains("port=\(port) id=a-0 x=on-\(port)") == true
        }
        await supervisor.stopAll()
        #expect(!isAlive(first.pid!))
    }

    /// A stop ends the whole process group, and SIGKILL follows SIGTERM after the grace period.
    @Test func stopKillsTheWholeGroup() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        let status = try await supervisor.ensureRunning(
            spec("b-0", #"trap "" TERM; sleep 300 & echo "child=$!"; wait"#, grace: .milliseconds(300)))
        let pid = try #require(status.pid)
        try await eventually("the child is started") {
            await supervisor.readLog("b-0", offset: 0, limit: 4096)?.text.contains("child=") == true
        }
        let text = await supervisor.readLog("b-0", offset: 0, limit: 4096)?.text ?? ""
        let child = Int32(text.split(separator: "=").last!.trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(await supervisor.stop("b-0"))
        #expect(!isAlive(pid))
        #expect(!isAlive(child))
        #expect(await supervisor.snapshot().instances.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/instances/b-0/spec.json"))
    }

    /// A crashing instance is restarted with backoff, and its exits are counted.
    @Test func restartsCrashedInstanceWithBackoff() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        try await supervisor.ensureRunning(
            spec("c-0", "exit 3", restart: .init(mode: .always, initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200))))
        try await eventually("the instance is restarted at least twice") {
            (await supervisor.status(of: "c-0")?.restarts ?? 0) >= 2
        }
        let status = try #require(await supervisor.status(of: "c-0"))
        #expect(status.lastExitCode == 3)
        #expect(status.failedStarts >= 2)
        await supervisor.stopAll()
    }

    /// An instance with a readiness probe becomes ready only once the probe passes.
    @Test func readinessFollowsTheProbe() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        let probe = ProbeSpec(check: .tcp(port: nil), interval: .milliseconds(100), timeout: .milliseconds(500))
        // Listens only after a moment, so the first probes fail.
        let status = try await supervisor.ensureRunning(
            spec("d-0", "sleep 0.3; exec python3 -m http.server $PORT --bind 127.0.0.1", readiness: probe))
        #expect(status.ready == false)
        try await eventually("the instance passes readiness") { await supervisor.status(of: "d-0")?.ready == true }
        await supervisor.stopAll()
    }

    /// A new supervisor on the same state adopts running instances, restarts wanted ones that
    /// died, and kills marked processes it has no record of: no duplicate, no orphan.
    @Test func recoveryAdoptsRestartsAndCleansUp() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let first = try makeSupervisor(directory)
        let survivor = try await first.ensureRunning(spec("e-0", "exec sleep 300"))
        let victim = try await first.ensureRunning(spec("e-1", "exec sleep 300"))
        // The "agent" dies: nothing is stopped. One instance dies while it is down…
        kill(-victim.pid!, SIGKILL)
        try await eventually("the victim is gone") { !isAlive(victim.pid!) }
        // …and a process with the agent's marker that nobody recorded is left behind.
        let stray = Process()
        stray.executableURL = URL(fileURLWithPath: "/bin/sleep")
        stray.arguments = ["300"]
        stray.environment = ["STEWARD_AGENT_ID": first.agentID]
        try stray.run()

        let second = try makeSupervisor(directory)
        #expect(second.agentID == first.agentID)
        await second.recover()
        let adopted = try #require(await second.status(of: "e-0"))
        #expect(adopted.pid == survivor.pid)
        #expect(adopted.adopted)
        let replaced = try #require(await second.status(of: "e-1"))
        #expect(replaced.pid != nil && replaced.pid != victim.pid)
        try await eventually("the unrecorded process is killed") { !stray.isRunning }
        let marked = SupervisorFixtures.pids(carrying: second.marker)
        #expect(marked == [survivor.pid!, replaced.pid!].sorted())
        await second.stopAll()
        #expect(ProcessControl.processes(withEnvironmentEntry: second.marker).isEmpty)
    }

    /// A missing executable is a failed start with a clear message, not a crash of the agent.
    @Test func missingExecutableIsAFailedStart() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        var broken = spec("f-0", "")
        broken.command = "/nonexistent/app"
        let status = try await supervisor.ensureRunning(broken)
        #expect(status.state == .backoff)
        #expect(status.failedStarts == 1)
        #expect(status.message == "cannot start '/nonexistent/app': no such executable (checked the path and PATH)")
        await supervisor.stopAll()
    }

    /// Output past the size limit is rotated into numbered files while the instance keeps writing.
    @Test func rotatesLargeLogs() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor")
        defer { directory.remove() }
        let supervisor = try makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        var noisy = spec("g-0", "while true; do echo 0123456789012345678901234567890123456789; sleep 0.01; done")
        noisy.logs = LogPolicy(maxBytes: 2000, keepFiles: 2)
        try await supervisor.ensureRunning(noisy)
        let log = directory.path + "/instances/g-0/output.log"
        try await eventually(timeout: .seconds(15), "the log is rotated") {
            FileManager.default.fileExists(atPath: log + ".1")
        }
        let rotated = try #require(try? FileManager.default.attributesOfItem(atPath: log + ".1")[.size] as? Int)
        #expect(rotated > 2000)
        try await eventually("the instance keeps writing to the live log") {
            ((try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0) > 0
        }
        #expect(!FileManager.default.fileExists(atPath: log + ".3"))
        await supervisor.stopAll()
    }
}
