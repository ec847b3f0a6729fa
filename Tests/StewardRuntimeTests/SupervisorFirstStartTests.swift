import Foundation
import StewardCore
@testable import StewardRuntime
import StewardTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A first start spawns before it records `spec.json`; whatever goes wrong in between leaves
/// no process that nobody wants.
@Suite(.serialized)
struct SupervisorFirstStartTests {
    typealias F = SupervisorFixtures

    /// A first start is answered with `spec.json` written: the record is there when the start returns.
    @Test func answeredFirstStartIsRecorded() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-first-start")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        let status = try await supervisor.ensureRunning(F.spec("g-0", "exec sleep 300"))
        #expect(status.pid != nil)
        #expect(supervisor.files.readSpec("g-0") == F.spec("g-0", "exec sleep 300"))
        await supervisor.stopAll()
    }

    /// When the record cannot be written after the spawn, the start fails and its process is
    /// stopped again: nothing runs that the agent has no record of.
    @Test func unrecordableFirstStartLeavesNothingRunning() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-first-start")
        defer { directory.remove() }
        let supervisor = try F.makeSupervisor(directory)
        // A directory where the record's temporary file goes: the record's write fails.
        try FileManager.default.createDirectory(
            atPath: supervisor.files.specPath("g-1") + ".tmp", withIntermediateDirectories: true)
        await #expect(throws: (any Error).self) {
            try await supervisor.ensureRunning(F.spec("g-1", "exec sleep 300"))
        }
        #expect(F.pids(carrying: supervisor.marker).isEmpty)
        #expect(await supervisor.status(of: "g-1") == nil)
        #expect(!FileManager.default.fileExists(atPath: supervisor.files.specPath("g-1")))
    }

    /// An agent that died between the spawn and the record left a process (and its
    /// `process.json`) without `spec.json`: the next agent kills it and starts nothing.
    @Test func processSpawnedButNotRecordedIsKilledOnRecovery() async throws {
        let directory = try TemporaryDirectory(prefix: "supervisor-first-start")
        defer { directory.remove() }
        let first = try F.makeSupervisor(directory)
        try first.files.makeDirectory("g-2")
        let orphan = try ProcessControl.spawn(
            executable: "/bin/sh", arguments: ["-c", "exec sleep 300"],
            environment: ["PATH": "/usr/bin:/bin", "STEWARD_AGENT_ID": first.agentID, "STEWARD_INSTANCE_ID": "g-2"],
            directory: nil, logPath: first.files.logPath("g-2"))
        try first.files.writeProcess(
            .init(
                pid: orphan.pid, startTicks: orphan.identity.startTicks, bootID: orphan.identity.bootID, port: 1,
                restarts: 0, startedAt: Date()), for: "g-2")

        let second = try F.makeSupervisor(directory)
        await second.recover()
        try await eventually("the unrecorded instance's process is killed") { !F.isAlive(orphan.pid) }
        #expect(await second.status(of: "g-2") == nil)
        #expect(F.pids(carrying: second.marker).isEmpty)
    }
}
