import Foundation
@testable import StewardBackup
import Testing

/// How a postgres:// URL becomes client arguments and a pgpass line: the password only in the latter.
@Suite struct BackupTargetTests {
    @Test func urlSplitsIntoArgumentsWithoutThePassword() throws {
        let target = try PostgresTarget(url: "postgres://app:p%3Aw%40rd@db.internal:6543/shop?sslmode=prefer")
        #expect(target == PostgresTarget(host: "db.internal", port: 6543, user: "app", password: "p:w@rd", database: "shop"))
        #expect(target.redacted == "postgres://app@db.internal:6543/shop")
        #expect(target.clientArguments == ["--host", "db.internal", "--port", "6543", "--username", "app", "--no-password"])
        #expect(!target.clientArguments.joined().contains("p:w@rd"))
    }

    /// libpq's pgpass format: `:` and `\` escaped, any database of the server.
    @Test func passFileEscapesSeparators() {
        let target = PostgresTarget(host: "127.0.0.1", port: 5432, user: "app", database: "shop")
        #expect(PostgresClientTools.passFileLine(target, password: #"a:b\c"#) == #"127.0.0.1:5432:*:app:a\:b\\c"# + "\n")
    }

    @Test func unsupportedURLsAreRefusedWithoutEchoingThePassword() {
        for url in ["mysql://root:secret@h/db", "postgres://u:secret@/db", "postgres://u:secret@h/db?sslmode=require"] {
            let error = #expect(throws: BackupError.self) { try PostgresTarget(url: url) }
            #expect(error?.kind == .invalid)
            #expect(error?.message.contains("secret") == false, "\(url)")
        }
    }

    /// Database names stay within PostgreSQL's 63 bytes, which the server would otherwise cut silently.
    @Test func databaseNamesFitTheIdentifierLimit() {
        let name = BackupEngine.databaseName(String(repeating: "é", count: 40), "restore", id: "20261126-050000-abcdef")
        #expect(name.utf8.count <= 63)
        #expect(name.hasSuffix("é_restore_20261126_050000_abcdef"))
        #expect(BackupEngine.databaseName("shop", "before", id: "20261126-050000-abcdef") == "shop_before_20261126_050000_abcdef")
        #expect(BackupManifest.isValidID(BackupManifest.newID(at: Date(timeIntervalSince1970: 0))))
        #expect(!BackupManifest.isValidID("../../etc/passwd-000000"))
    }
}
