import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Process lifecycle under churn: reaping, exit codes, and starts racing stops.
@Suite(.serialized)
struct SupervisorLifecycleTests {
    typealias F = SupervisorFixtures

    /// Forty instances started and stopped through the supervisor, half of them exiting on their
    /// own first, leave no `<defunct>` child behind and keep every exit code.
    @Test func manyStartsAndStopsLeaveNoZombies() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-zombies")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        var pids: [Int32] = []
        for round in 0..<40 {
            let id = "z-\(round)"
            let exitsOnItsOwn = round % 2 == 0
            let status = try await supervisor.ensureRunning(
                F.spec(id, exitsOnItsOwn ? "exit 7" : "exec sleep 300", grace: .seconds(5), restart: .init(mode: .never)))
            pids.append(try #require(status.pid))
            if exitsOnItsOwn {
                try await eventually("\(id) is seen to exit with its code") {
                    await supervisor.status(of: id)?.lastExitCode == 7
                }
                #expect(await supervisor.status(of: id)?.state == .exited)
            }
            #expect(await supervisor.stop(id))
        }
        let zombies = F.zombieChildren().filter(pids.contains)
        #expect(zombies.isEmpty, "zombie children left: \(zombies)")
        #expect(pids.allSatisfy { !F.isAlive($0) })
        #expect(await supervisor.snapshot().instances.isEmpty)
    }

    /// A start that arrives while a stop of the same instance is in progress waits for that stop:
    /// the old process gets its SIGKILL and is gone, exactly one new process runs, and the earlier
    /// stop does not kill it.
    @Test func startDuringStopLeavesExactlyOneProcess() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-race")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let loop = Task { await supervisor.run() }
        defer { loop.cancel() }
        // Ignores SIGTERM (the ignored disposition survives exec), so only the SIGKILL escalation ends it.
        let instance = F.spec("r-0", #"trap "" TERM; exec sleep 300"#, grace: .milliseconds(300))
        var old = try await supervisor.ensureRunning(instance)
        for round in 0..<4 {
            let oldPID = try #require(old.pid)
            // The shell must have set its trap and become sleep before the stop, or SIGTERM ends it at once.
            try await eventually("round \(round): the instance runs sleep") {
                (try? String(contentsOfFile: "/proc/\(oldPID)/cmdline", encoding: .utf8))?.hasPrefix("sleep") == true
            }
            let oldIdentity = ProcessIdentity(pid: oldPID, startTicks: try #require(ProcessIdentity.startTicks(of: oldPID)))
            async let stopped = supervisor.stop("r-0")
            try await eventually("round \(round): the stop is in progress") {
                await supervisor.status(of: "r-0")?.state == .stopping
            }
            let restarted = try await supervisor.ensureRunning(instance)
            #expect(await stopped)
            let newPID = try #require(restarted.pid)
            #expect(newPID != oldPID)
            #expect(!oldIdentity.isRunning(), "round \(round): the old process \(oldPID) still runs")
            #expect(F.isAlive(newPID), "round \(round): the new process \(newPID) was killed")
            let status = try #require(await supervisor.status(of: "r-0"))
            #expect(status.state == .running && status.pid == newPID)
            try await eventually("round \(round): the new instance runs sleep") {
                (try? String(contentsOfFile: "/proc/\(newPID)/cmdline", encoding: .utf8))?.hasPrefix("sleep") == true
            }
            #expect(F.pids(carrying: "STEWARD_INSTANCE_ID=r-0") == [newPID])
            old = restarted
        }
        await supervisor.stopAll()
        #expect(F.pids(carrying: "STEWARD_INSTANCE_ID=r-0").isEmpty)
    }

    /// A stop that arrives after a start of the same id wins: the instance is not left running.
    @Test func stopAfterStartWins() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-order")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let instance = F.spec("o-0", "exec sleep 300", grace: .milliseconds(500))
        for _ in 0..<5 {
            try await supervisor.ensureRunning(instance)
            #expect(await supervisor.stop("o-0"))
            #expect(await supervisor.status(of: "o-0") == nil)
        }
        #expect(F.pids(carrying: "STEWARD_INSTANCE_ID=o-0").isEmpty)
    }

    /// A long poll is woken by the change itself: waiting for "anything after N" returns once
    /// an instance starts, with a newer generation.
    @Test func waitForChangeIsWokenByTheChange() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-wait")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let before = supervisor.generation
        async let woken: Void = supervisor.waitForChange(after: before, timeout: .seconds(120))
        try await supervisor.ensureRunning(F.spec("w-0", "exec sleep 300"))
        await woken
        #expect(supervisor.generation > before)
        await supervisor.stopAll()
    }
}
