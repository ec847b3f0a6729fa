import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Recovery trusts a recorded pid only when boot, start time and marker all say it is the instance.
@Suite(.serialized)
struct SupervisorIdentityTests {
    typealias F = SupervisorFixtures

    /// A record whose pid now names another process (another start time, a process without the
    /// agent's marker, or a record from another boot) is neither adopted nor signalled; the wanted
    /// instance gets a fresh process instead.
    @Test func recordOfAReusedPidIsNeitherAdoptedNorKilled() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-identity")
        defer { directory.remove() }
        let first = try F.makeSupervisor(directory)
        // An unrelated process the records wrongly point at, as after pid reuse.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/bin/sleep")
        other.arguments = ["300"]
        try other.run()
        defer {
            // SIGKILL: children Foundation spawns here may inherit an ignored SIGTERM.
            kill(other.processIdentifier, SIGKILL)
            other.waitUntilExit()
        }
        let pid = other.processIdentifier
        let ticks = try #require(ProcessIdentity.startTicks(of: pid))
        let records: [(String, UInt64, String)] = [
            ("i-0", ticks + 1, ProcessIdentity.currentBootID),  // another start time
            ("i-1", ticks, ProcessIdentity.currentBootID),  // right pid and time, but no marker
            ("i-2", ticks, "another-boot"),  // recorded before a reboot
        ]
        for (id, startTicks, bootID) in records {
            try first.files.writeSpec(F.spec(id, "exec sleep 300"))
            try first.files.writeProcess(
                .init(pid: pid, startTicks: startTicks, bootID: bootID, port: 1, restarts: 0, startedAt: Date()), for: id)
        }

        let second = try F.makeSupervisor(directory)
        await second.recover()
        for (id, _, _) in records {
            let status = try #require(await second.status(of: id))
            #expect(!status.adopted, "\(id) adopted pid \(pid)")
            #expect(status.pid != nil && status.pid != pid)
        }
        #expect(ProcessIdentity(pid: pid, startTicks: ticks).isRunning(), "the unrelated process was killed")
        await second.stopAll()
        #expect(ProcessIdentity(pid: pid, startTicks: ticks).isRunning(), "stopping the instances killed the unrelated process")
    }

    /// A process recorded with its boot, start time and marker is adopted, not restarted.
    @Test func provenRecordIsAdopted() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-identity")
        defer { directory.remove() }
        let first = try F.makeSupervisor(directory)
        let started = try await first.ensureRunning(F.spec("j-0", "exec sleep 300"))
        let pid = try #require(started.pid)
        try await eventually("the shell has become sleep") {
            (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.hasPrefix("sleep") == true
        }
        let second = try F.makeSupervisor(directory)
        await second.recover()
        let adopted = try #require(await second.status(of: "j-0"))
        #expect(adopted.adopted)
        #expect(adopted.pid == started.pid)
        await second.stopAll()
        #expect(!F.isAlive(try #require(started.pid)))
    }
}
