import Foundation
import StewardRuntime
import StewardStore
import StewardTesting
import Testing

@testable import StewardOps

/// What a running backup has written, as the control plane keeps it for `steward backup create --wait`.
@Suite struct BackupProgressTests {
    /// Bytes reported by a running backup are kept (never lowered by a late, smaller report), and a
    /// finished operation's are left alone. The first report used to trap the control plane (an
    /// exclusivity violation) on every backup whose artifact passed 256 KiB.
    @Test func bytesOfARunningBackupAreNotedAndNeverGoBack() async throws {
        let directory = try TemporaryDirectory(prefix: "backup-progress")
        defer { directory.remove() }
        let controlPlane = try ControlPlane(
            log: try EventLog.open(path: directory.path + "/steward.db"),
            agent: AgentClient(baseURL: "http://127.0.0.1:9", token: "unused"), baseDirectory: directory.path,
            backupDirectory: directory.path + "/backups")
        let running = BackupOperation(
            kind: .create, backup: "b1", environment: "production", dependency: "db", startedBy: "root", startedAt: Date())
        var finished = running
        finished.backup = "b2"
        finished.state = .succeeded
        finished.bytes = 10
        await controlPlane.setOperations(["b1": running, "b2": finished])

        let reported: Int64 = 300 * 1024
        await controlPlane.noteBackupBytes("b1", reported)
        await controlPlane.noteBackupBytes("b1", reported - 1024)
        await controlPlane.noteBackupBytes("b2", reported)
        await controlPlane.noteBackupBytes("unknown", reported)

        let operations = await controlPlane.backupOperations
        let first = try #require(operations["b1"])
        let second = try #require(operations["b2"])
        #expect(first.bytes == reported)
        #expect(second.bytes == 10)
        #expect(operations["unknown"] == nil)
    }
}

extension ControlPlane {
    fileprivate func setOperations(_ operations: [String: BackupOperation]) {
        backupOperations = operations
    }
}

/// Which changes of the backup operations wake long polls (``ControlPlane/changes``).
@Suite struct BackupOperationChangeTests {
    static let running = BackupOperation(
        kind: .create, backup: "b1", environment: "production", dependency: "db", startedBy: "root", startedAt: Date())

    /// Only byte counts moved: live progress, not a change of state.
    @Test func bytesAloneAreProgress() {
        var moved = Self.running
        moved.bytes = 4096
        #expect(BackupOperation.onlyBytesMoved(from: ["b1": Self.running], to: ["b1": moved]))
        #expect(BackupOperation.onlyBytesMoved(from: [:], to: [:]))
    }

    /// A new operation, one gone, or any other field changed is a change of state.
    @Test func anythingElseIsAChange() {
        var finished = Self.running
        finished.state = .succeeded
        var other = Self.running
        other.backup = "b2"
        #expect(!BackupOperation.onlyBytesMoved(from: ["b1": Self.running], to: ["b1": finished]))
        #expect(!BackupOperation.onlyBytesMoved(from: [:], to: ["b1": Self.running]))
        #expect(!BackupOperation.onlyBytesMoved(from: ["b1": Self.running], to: [:]))
        #expect(!BackupOperation.onlyBytesMoved(from: ["b1": Self.running], to: ["b2": other]))
    }
}
