import Foundation
import StewardBackup
import Testing

/// The driver's pure parts: the configuration text, archiving gaps, `info` JSON and target choice.
@Suite struct PgBackRestModelTests {
    static let cluster = PgBackRestCluster(
        stanza: "db", dataDirectory: "/srv/pg/data", port: 5433, socketDirectory: "/run/postgresql", user: "backup",
        password: "s3cret:pw", systemUser: "postgres")

    /// The configuration names the repository, retention and each stanza's pg1 options, and no password.
    @Test func configurationTextHasEveryOptionAndNoPassword() {
        let configuration = PgBackRestConfiguration(
            directory: "/etc/steward/pgbackrest", repository: "/srv/backups/pgbackrest", retentionFull: 3,
            retentionDiff: 2, clusters: [Self.cluster])
        let lines = configuration.text.split(separator: "\n").map(String.init)
        for expected in [
            "[global]", "repo1-path=/srv/backups/pgbackrest", "repo1-retention-full=3", "repo1-retention-diff=2",
            "lock-path=/etc/steward/pgbackrest/lock", "start-fast=y", "[db]", "pg1-path=/srv/pg/data", "pg1-port=5433",
            "pg1-socket-path=/run/postgresql", "pg1-user=backup",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(!configuration.text.contains("s3cret"))
        #expect(configuration.problems == [])
        #expect(configuration.file == "/etc/steward/pgbackrest/pgbackrest.conf")
    }

    /// Every problem of a bad configuration is listed, each naming what and what was expected.
    @Test func problemsNameEachMistake() {
        var odd = Self.cluster
        odd.stanza = "db prod"
        var relative = Self.cluster
        relative.stanza = "other"
        relative.dataDirectory = "data"
        relative.systemUser = "pg2"
        let configuration = PgBackRestConfiguration(
            directory: "/etc/x", repository: "/srv/it's", retentionFull: 0, clusters: [odd, relative, relative])
        #expect(
            configuration.problems == [
                "repository '/srv/it's' has characters other than letters, digits and / . _ - + @ ,",
                "retention-full is 0; expected 1 or more",
                "stanza 'db prod': expected letters, digits, '-' or '_'",
                "stanza other: data directory 'data' is not an absolute path",
                "stanza other: data directory 'data' is not an absolute path",
                "the clusters run as different system users; expected one configuration per system user",
                "stanza 'other' is declared twice",
            ])
    }

    /// The settings are exactly wal_level, archive_mode and an archive_command pushing to the stanza.
    @Test func archivingSettingsAndGaps() {
        let archiving = PgBackRestArchiving(configurationFile: "/etc/p/pgbackrest.conf", stanza: "db", executable: "/usr/bin/pgbackrest")
        #expect(
            archiving.alterSystemStatements == [
                "ALTER SYSTEM SET wal_level = 'replica'", "ALTER SYSTEM SET archive_mode = 'on'",
                "ALTER SYSTEM SET archive_command = '/usr/bin/pgbackrest --config=/etc/p/pgbackrest.conf --stanza=db archive-push %p'",
            ])
        let configured: [String: PgBackRestArchiving.Current] = [
            "wal_level": .init(value: "logical"), "archive_mode": .init(value: "always"),
            "archive_command": .init(value: "pgbackrest --stanza=db --config=/x archive-push %p"),
        ]
        #expect(archiving.gaps(in: configured) == [])
        let fresh: [String: PgBackRestArchiving.Current] = [
            "wal_level": .init(value: "minimal"), "archive_mode": .init(value: "off", pendingRestart: true),
            "archive_command": .init(value: "pgbackrest --stanza=dbx --config=/x archive-push %p"),
        ]
        #expect(
            archiving.gaps(in: fresh) == [
                "wal_level is 'minimal' (expected 'replica' or 'logical')",
                "archive_mode is 'off' (expected 'on'); it was changed but PostgreSQL has not been restarted since",
                "archive_command is 'pgbackrest --stanza=dbx --config=/x archive-push %p' (expected '\(archiving.archiveCommand)')",
            ])
        #expect(archiving.gaps(in: [:]).count == 3)
        let off: [String: PgBackRestArchiving.Current] = [
            "wal_level": .init(value: "replica"), "archive_mode": .init(value: "off"),
            "archive_command": .init(value: "(disabled)"),
        ]
        #expect(
            archiving.gaps(in: off) == [
                "archive_mode is 'off' (expected 'on')",
                "archive_command is not in effect while archive_mode is off (expected '\(archiving.archiveCommand)')",
            ])
    }

    /// `info --output=json` becomes typed backups with times, WAL range, sizes and references.
    @Test func infoJSONDecodes() throws {
        let stanzas = try PgBackRestStanzaInfo.stanzas(fromInfoJSON: Data(Self.infoJSON.utf8))
        let info = try #require(stanzas.first)
        #expect(info.name == "db" && info.statusCode == 0 && info.statusMessage == "ok")
        #expect(info.walMin == "000000010000000000000001" && info.walMax == "000000010000000000000008")
        #expect(info.backups.map(\.type) == [.full, .diff])
        let diff = info.backups[1]
        #expect(diff.label == "20261126-092602F_20261126-092607D")
        #expect(diff.prior == "20261126-092602F" && diff.references == ["20261126-092602F"])
        #expect(diff.startTime == Date(timeIntervalSince1970: 1795685167) && diff.stopTime == Date(timeIntervalSince1970: 1795685169))
        #expect(diff.walStart == "000000010000000000000006" && diff.sizeBytes == 23000767 && diff.repositoryDeltaBytes == 52412)
        #expect(info.backups[0].prior == nil && info.backups[0].references == [])

        let broken = #expect(throws: BackupError.self) { try PgBackRestStanzaInfo.stanzas(fromInfoJSON: Data("[{\"name\": 1}]".utf8)) }
        #expect(broken?.message.hasPrefix("pgbackrest info printed JSON Steward cannot read") == true)
    }

    /// The backup for a target is the newest whose stop second has fully passed before it.
    @Test func backupBeforeATargetSkipsOnesThatMayHaveEndedLater() throws {
        let info = try #require(try PgBackRestStanzaInfo.stanzas(fromInfoJSON: Data(Self.infoJSON.utf8)).first)
        let diffStop = Date(timeIntervalSince1970: 1795685169)
        #expect(info.backup(before: diffStop.addingTimeInterval(1))?.type == .diff)
        #expect(info.backup(before: diffStop.addingTimeInterval(0.5))?.type == .full, "the diff may have ended after it")
        #expect(info.backup(before: Date(timeIntervalSince1970: 1795685166.9)) == nil)
    }

    /// Targets are written in UTC with microseconds, rounded down.
    @Test func recoveryTargetText() {
        #expect(PgBackRestRestore.recoveryTargetText(Date(timeIntervalSince1970: 1795685167.180037)) == "2026-11-26 09:26:07.180037+00")
        #expect(PgBackRestRestore.recoveryTargetText(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000+00")
    }

    /// Two backups of `pgbackrest info --output=json` (2.45), as printed for a real cluster.
    static let infoJSON = """
        [{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000008",
        "min":"000000010000000000000001"}],"backup":[{"archive":{"start":"000000010000000000000003",
        "stop":"000000010000000000000003"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},
        "error":false,"info":{"delta":23000767,"repository":{"delta":3044665,"size":3044665},"size":23000767},
        "label":"20261126-092602F","lsn":{"start":"0/3000028","stop":"0/3000100"},"prior":null,"reference":null,
        "timestamp":{"start":1795685162,"stop":1795685166},"type":"full"},{"archive":{"start":"000000010000000000000006",
        "stop":"000000010000000000000006"},"backrest":{"format":5,"version":"2.45"},"database":{"id":1,"repo-key":1},
        "error":false,"info":{"delta":598282,"repository":{"delta":52412,"size":3045365},"size":23000767},
        "label":"20261126-092602F_20261126-092607D","lsn":{"start":"0/6000028","stop":"0/6000100"},
        "prior":"20261126-092602F","reference":["20261126-092602F"],"timestamp":{"start":1795685167,"stop":1795685169},
        "type":"diff"}],"cipher":"none","db":[{"id":1,"repo-key":1,"system-id":7712409022964830814,"version":"15"}],
        "name":"db","repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],
        "status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]
        """
}
