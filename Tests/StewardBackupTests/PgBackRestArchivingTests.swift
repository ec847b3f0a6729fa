import Foundation
import StewardBackup
import StewardTesting
import Testing

/// What the driver says and writes before any backup: the configuration on disk, and clear
/// errors when the cluster does not archive WAL.
@Suite struct PgBackRestArchivingTests {
    /// The configuration directory is 0700, its files 0600 and owned by the server's user; no
    /// file but the pgpass file holds the password.
    @Test func configurationIsPrivateAndHoldsNoPassword() async throws {
        let fixture = try await PgBackRestFixture.start()
        defer { fixture.stop() }
        let configuration = fixture.driver.configuration
        let attributes = try FileManager.default.attributesOfItem(atPath: configuration.directory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: configuration.file)
        #expect((file[.posixPermissions] as? Int) == 0o600)
        if let user = fixture.postgres.systemUser { #expect((file[.ownerAccountName] as? String) == user) }
        let text = try String(contentsOfFile: configuration.file, encoding: .utf8)
        #expect(!text.contains(fixture.password) && !text.contains("pw:"))
        #expect(text.contains("pg1-path=\(fixture.postgres.dataDirectory)") && text.contains("pg1-port=\(fixture.postgres.port)"))
        let pgpass = try FileManager.default.attributesOfItem(atPath: configuration.directory + "/pgpass-db")
        #expect((pgpass[.posixPermissions] as? Int) == 0o600)
        let files = try FileManager.default.contentsOfDirectory(atPath: configuration.directory)
        for name in files where name != "pgpass-db" {
            let path = configuration.directory + "/" + name
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { #expect(!(try String(contentsOfFile: path, encoding: .utf8)).contains("pw:"), "\(name)") }
        }
    }

    /// Without archiving, `check` names each missing setting with the statements that fix it, and
    /// a backup fails with pgBackRest's own reason; after `ALTER SYSTEM` without a restart, `check`
    /// says the restart is missing.
    @Test func checkSaysWhatIsMissingForArchiving() async throws {
        let fixture = try await PgBackRestFixture.start()
        defer { fixture.stop() }
        let driver = fixture.driver
        try await driver.stanzaCreate("db")

        let missing = await #expect(throws: BackupError.self) { try await driver.check("db") }
        #expect(missing?.kind == .refused)
        let message = missing?.message ?? ""
        #expect(message.contains("WAL archiving is not configured for stanza db"), "\(message)")
        #expect(message.contains("archive_mode is 'off' (expected 'on')"), "\(message)")
        #expect(message.contains("archive_command is not in effect while archive_mode is off"), "\(message)")
        let command = "/usr/bin/pgbackrest --config=\(driver.configuration.file) --stanza=db archive-push %p"
        #expect(message.contains("ALTER SYSTEM SET archive_command = '\(command)'"), "\(message)")
        #expect(message.contains("restart PostgreSQL"), "\(message)")

        let backup = await #expect(throws: BackupError.self) { try await driver.backup("db", type: .full) }
        #expect(backup?.message.contains("pgbackrest backup for stanza db failed") == true, "\(String(describing: backup))")
        #expect(backup?.message.contains("archive_mode") == true, "pgBackRest's own reason: \(String(describing: backup))")

        for statement in try driver.archiving("db").alterSystemStatements { try await fixture.execute(statement) }
        try await fixture.execute("SELECT pg_reload_conf()")
        try await eventually("the reload is seen") {
            try await fixture.value("SELECT pending_restart::text FROM pg_settings WHERE name = 'archive_mode'") == "true"
        }
        let pending = await #expect(throws: BackupError.self) { try await driver.check("db") }
        #expect(pending?.message.contains("has not been restarted") == true, "\(String(describing: pending))")
        #expect(pending?.message.contains("wal_level is") == false, "replica is PostgreSQL 15's default: \(String(describing: pending))")

        try await fixture.postgres.restart()
        try await driver.check("db")
    }

    /// After lowering `retention-full` to 1, `expire` removes the older full backup together with
    /// the incremental that depends on it, keeps the newest chain whole, and keeps the WAL it needs.
    @Test func expireKeepsWholeChains() async throws {
        let fixture = try await PgBackRestFixture.start(retentionFull: 2)
        defer { fixture.stop() }
        var driver = fixture.driver
        try await driver.stanzaCreate("db")
        try await fixture.enableArchiving()
        try await fixture.execute("CREATE TABLE items (id int)", "INSERT INTO items SELECT generate_series(1, 10)")
        let first = try await driver.backup("db", type: .full)
        try await fixture.execute("INSERT INTO items SELECT generate_series(1, 10)")
        let firstIncr = try await driver.backup("db", type: .incr)
        #expect(firstIncr.prior == first.label)
        let second = try await driver.backup("db", type: .full)
        try await fixture.execute("INSERT INTO items SELECT generate_series(1, 10)")
        let secondIncr = try await driver.backup("db", type: .incr)

        // pgBackRest also expires after each backup; with two full backups kept nothing went yet.
        #expect(try await driver.info("db").backups.count == 4)
        driver.configuration.retentionFull = 1
        try driver.writeConfiguration()
        let removed = try await driver.expire("db")
        #expect(removed == [first.label, firstIncr.label])
        let info = try await driver.info("db")
        #expect(info.backups.map(\.label) == [second.label, secondIncr.label])
        let walMin = try #require(info.walMin)
        #expect(walMin <= second.walStart, "the WAL of the kept full backup is kept")
        #expect(try await driver.expire("db") == [], "nothing more to remove")
    }
}
