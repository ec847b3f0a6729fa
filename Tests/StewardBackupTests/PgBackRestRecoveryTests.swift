import Foundation
import StewardBackup
import StewardTesting
import Testing

/// pgBackRest against a real PostgreSQL 15 cluster: stanza, WAL archiving, full / diff / incr
/// backups, and point-in-time recovery into a new data directory beside the live one.
@Suite struct PgBackRestRecoveryTests {
    /// A restore to a timestamp taken between two batches of writes has exactly the rows committed
    /// before it, starts from the newest backup that finished before it, and leaves the live cluster untouched.
    @Test func pointInTimeRecoveryRestoresToATimestamp() async throws {
        let fixture = try await PgBackRestFixture.start()
        defer { fixture.stop() }
        let driver = fixture.driver
        try await driver.stanzaCreate("db")
        try await fixture.enableArchiving()
        #expect(try await driver.archivingGaps("db") == [])
        try await driver.check("db")

        try await fixture.execute(
            "CREATE TABLE items (id serial PRIMARY KEY, batch text NOT NULL)",
            "INSERT INTO items (batch) SELECT 'base' FROM generate_series(1, 100)")
        let full = try await driver.backup("db", type: .full)
        #expect(full.type == .full && full.prior == nil && full.references.isEmpty)

        try await fixture.execute("INSERT INTO items (batch) SELECT 'a' FROM generate_series(1, 50)")
        let diff = try await driver.backup("db", type: .diff)
        #expect(diff.type == .diff && diff.prior == full.label && diff.references == [full.label])

        // pgBackRest records stop times in whole seconds: let the diff's second pass on the server's
        // clock, so the diff is a backup that certainly finished before the target.
        try await eventually(timeout: .seconds(10), pollEvery: .milliseconds(100), "the server clock passes the diff's stop second") {
            try await fixture.serverNow() >= diff.stopTime.addingTimeInterval(1)
        }
        try await fixture.execute("INSERT INTO items (batch) SELECT 'b' FROM generate_series(1, 25)")
        let target = try await fixture.serverNow()
        _ = try await fixture.value("SELECT pg_switch_wal()::text")
        try await fixture.execute("INSERT INTO items (batch) SELECT 'late' FROM generate_series(1, 40)")
        let incr = try await driver.backup("db", type: .incr)
        #expect(incr.type == .incr && incr.prior == diff.label && Set(incr.references) == [full.label, diff.label])
        #expect(try await fixture.itemCount() == 215)

        let info = try await driver.info("db")
        #expect(info.statusCode == 0, "\(info.statusMessage)")
        #expect(info.backups.map(\.label) == [full.label, diff.label, incr.label])
        #expect(info.backups.map(\.type) == [.full, .diff, .incr])
        #expect(info.backups.allSatisfy { $0.startTime <= $0.stopTime && $0.sizeBytes > 0 && $0.walStart <= $0.walStop })
        let walMin = try #require(info.walMin), walMax = try #require(info.walMax)
        #expect(walMin <= full.walStart && incr.walStop <= walMax, "archived WAL covers every backup")

        let restore = try await driver.restore("db", to: target, into: fixture.restorePath("pitr"))
        #expect(restore.backup.label == diff.label, "the newest backup that finished before the target")
        #expect(restore.dataDirectory == fixture.restorePath("pitr"))
        let restored = try await driver.start(restore, port: try FreePort.next())
        #expect(try await fixture.itemCount(port: restored.port) == 175, "base + a + b, not the late rows")
        #expect(try await fixture.value("SELECT count(*)::text FROM items WHERE batch = 'late'", port: restored.port) == "0")
        #expect(try await fixture.value("SELECT pg_is_in_recovery()::text", port: restored.port) == "false")
        #expect(try await fixture.value("SHOW archive_mode", port: restored.port) == "off", "the copy never pushes WAL")
        try await fixture.execute("INSERT INTO items (batch) VALUES ('written in the copy')", port: restored.port)

        #expect(try await fixture.itemCount() == 215, "the live cluster keeps every row")
        #expect(try await fixture.value("SELECT count(*)::text FROM items WHERE batch = 'written in the copy'") == "0")
        #expect(try await fixture.value("SELECT pg_is_in_recovery()::text") == "false")
        try await restored.stop()
        try await driver.check("db")
    }

    /// Restores that would touch the live cluster, land in a non-empty directory, or start before
    /// the first backup are refused with a sentence, and write nothing.
    @Test func restoreRefusesTheLiveDirectoryAndImpossibleTargets() async throws {
        let fixture = try await PgBackRestFixture.start()
        defer { fixture.stop() }
        let driver = fixture.driver
        try await driver.stanzaCreate("db")
        try await fixture.enableArchiving()
        let beforeAnyBackup = try await fixture.serverNow()
        let full = try await driver.backup("db", type: .full)
        let later = full.stopTime.addingTimeInterval(3600)

        let live = await #expect(throws: BackupError.self) {
            try await driver.restore("db", to: later, into: fixture.postgres.dataDirectory)
        }
        #expect(live?.kind == .invalid && live?.message.contains("overlaps the live data directory") == true, "\(String(describing: live))")
        let inside = await #expect(throws: BackupError.self) {
            try await driver.restore("db", to: later, into: fixture.postgres.dataDirectory + "/copy")
        }
        #expect(inside?.kind == .invalid)

        let occupied = fixture.restorePath("occupied")
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: false)
        FileManager.default.createFile(atPath: occupied + "/keep-me", contents: Data("x".utf8))
        let notEmpty = await #expect(throws: BackupError.self) { try await driver.restore("db", to: later, into: occupied) }
        #expect(notEmpty?.message.contains("is not empty") == true, "\(String(describing: notEmpty))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["keep-me"])

        let tooEarly = await #expect(throws: BackupError.self) {
            try await driver.restore("db", to: beforeAnyBackup, into: fixture.restorePath("early"))
        }
        #expect(tooEarly?.message.contains("the first backup finished at") == true, "\(String(describing: tooEarly))")
        #expect(!FileManager.default.fileExists(atPath: fixture.restorePath("early")))
        #expect(try await fixture.value("SELECT pg_is_in_recovery()::text") == "false")
    }
}
