import Foundation
import StewardBackup
import StewardCore
import StewardTesting
import Testing

/// What a restore cut short by a restart left on a real PostgreSQL 15, and the clean-up of it.
///
/// Each test builds the leftovers a restart at one point of the restore would leave (by hand, with
/// the engine's names), then runs the recovery and checks which database holds what.
@Suite struct RestoreRecoveryTests {
    static let id = "20261126-120000-abcdef"
    static let copy = "shop_restore_20261126_120000_abcdef"
    static let previous = "shop_before_20261126_120000_abcdef"

    /// A marker table with `rows` rows in `database`, so the test can tell the databases apart.
    static func mark(_ fixture: BackupFixture, _ database: String, rows: Int) async throws {
        try await fixture.execute("CREATE TABLE marker (n int);\nINSERT INTO marker SELECT generate_series(1, \(rows))", database: database)
    }

    /// Cut before the swap: the copy is dropped, the target (closed to sessions just before) opened again and untouched.
    @Test func aCopyBesideTheTargetIsDropped() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        try await fixture.execute("CREATE DATABASE \(Self.copy)")
        try await fixture.execute("ALTER DATABASE shop WITH ALLOW_CONNECTIONS false")
        let plan = try await BackupEngine.recoverInterruptedRestore(Self.id, into: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(plan.verdict == .notSwapped)
        let databases = try await fixture.databases()
        #expect(!databases.contains(Self.copy))
        #expect(try await fixture.counts("shop")["orders"] == 4000, "the target is untouched and takes sessions again")
    }

    /// Cut between the swap's renames: the original gets its name back, and the copy goes.
    @Test func aSwapCutBetweenItsRenamesIsUndone() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        try await fixture.execute("CREATE DATABASE \(Self.copy)")
        try await fixture.execute("ALTER DATABASE shop WITH ALLOW_CONNECTIONS false")
        try await fixture.execute("ALTER DATABASE shop RENAME TO \(Self.previous)")
        let plan = try await BackupEngine.recoverInterruptedRestore(Self.id, into: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(plan.verdict == .notSwapped)
        let databases = try await fixture.databases()
        #expect(databases.contains("shop") && !databases.contains(Self.previous) && !databases.contains(Self.copy))
        #expect(try await fixture.counts("shop")["orders"] == 4000)
    }

    /// Cut after the swap: the restored copy keeps the name, the original stays beside it, opened again.
    @Test func aFinishedSwapIsKept() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        try await fixture.execute("ALTER DATABASE shop RENAME TO \(Self.previous)")
        try await fixture.execute("ALTER DATABASE \(Self.previous) WITH ALLOW_CONNECTIONS false")
        try await fixture.execute("CREATE DATABASE shop")
        try await Self.mark(fixture, "shop", rows: 7)
        let plan = try await BackupEngine.recoverInterruptedRestore(Self.id, into: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(plan.verdict == .swapped)
        #expect(plan.keptAs == Self.previous)
        #expect(try await fixture.count("SELECT count(*) FROM marker", database: "shop") == 7)
        #expect(try await fixture.counts(Self.previous)["orders"] == 4000, "the original takes sessions again")
        // Running it again changes nothing: the clean-up is safe to repeat.
        let again = try await BackupEngine.recoverInterruptedRestore(Self.id, into: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(again.verdict == .swapped)
    }

    /// A verification's leftover scratch database is dropped; with none left there is nothing to drop.
    @Test func aVerificationScratchDatabaseIsDropped() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let scratch = "steward_verify_20261126_120000_abcdef"
        try await fixture.execute("CREATE DATABASE \(scratch)")
        let dropped = try await BackupEngine.dropVerificationScratch(Self.id, serverURL: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(dropped == scratch)
        #expect(!(try await fixture.databases()).contains(scratch))
        let again = try await BackupEngine.dropVerificationScratch(Self.id, serverURL: fixture.url("shop"), logger: BackupFixture.logger)
        #expect(again == nil)
        #expect(try await fixture.counts("shop")["orders"] == 4000, "the database itself is left alone")
    }

    /// An unreachable server is an error that names it without its password.
    @Test func anUnreachableServerIsAnErrorWithoutThePassword() async throws {
        let port = try FreePort.next()
        let password = "secret-\(UUID().uuidString)"
        await #expect {
            try await BackupEngine.recoverInterruptedRestore(
                Self.id, into: "postgres://postgres:\(password)@127.0.0.1:\(port)/shop", logger: BackupFixture.logger)
        } throws: { error in
            !"\(error)".contains(password) && "\(error)".contains("\(port)")
        }
    }
}
