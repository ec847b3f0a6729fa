import Foundation
import StewardTesting
import Testing

/// Migrations through the control plane: a real `steward serve`, a real PostgreSQL with a
/// password (a `STEWARD_SECRET_…` of the serve process), the stack's `db/migrations` directory,
/// and the CLI for every step. Production takes a verified backup before each run.
@Suite(.serialized) struct MigrationTests {
    typealias F = RunbookFixture

    /// The stack: `db` with migrations; `integrity` adds a `backups:` entry whose query also validates an up.
    static func stack(port: Int, integrity: String?) -> String {
        var text = """
            version: 1
            stack: shop
            dependencies:
              db:
                url: "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(port)/shop"
                migrations: db/migrations
            services:
              api:
                command: /bin/true
            environments:
              production: {}

            """
        if let integrity { text += "backups:\n  - dependency: db\n    integrityQueries:\n      - \(integrity)\n" }
        return text
    }

    /// One `migration.*` event as the API lists it (the fields the test reads).
    struct Event: Decodable {
        struct Payload: Decodable {
            var run: String
            var version: Int?
            var backup: String?
            var versions: [Int]?
            var error: String?
            var passed: Bool?
        }
        var type: String
        var actor: String
        var payload: Payload
    }

    /// up (backup first, in order, once), status, drift refused, a failing migration rolled back
    /// with the schema unchanged, down in reverse order; a viewer is refused; no password anywhere.
    @Test func upStatusDriftFailureAndDownThroughTheCLI() async throws {
        let password = "pg-migrate-\(UInt32.random(in: 0...UInt32.max))"
        let postgres = try await PostgresServer.start(password: password)
        defer { postgres.stop() }
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_DB_PASSWORD": password])
        defer { cluster.shutdown() }
        let psql = PSQL(port: postgres.port, password: password)
        func schema() async throws -> String {
            try await psql(
                "SELECT string_agg(c, ', ' ORDER BY c) FROM (SELECT table_name || '.' || column_name || ' ' || data_type AS c "
                    + "FROM information_schema.columns WHERE table_schema = 'public') columns")
        }
        _ = try await psql("CREATE DATABASE shop", database: "postgres")
        let directory = cluster.directory.path + "/db/migrations"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func write(_ name: String, _ sql: String) throws {
            try sql.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        try write("0001_create_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY, price numeric NOT NULL);")
        try write("0001_create_items.down.sql", "DROP TABLE items;")
        try write("0002_add_sku.up.sql", "ALTER TABLE items ADD COLUMN sku text;")
        try write("0002_add_sku.down.sql", "ALTER TABLE items DROP COLUMN sku;")
        try write("0003_seed.up.sql", "INSERT INTO items (id, price, sku) VALUES (1, 2.5, 'a;b'), (2, 3, 'c');")
        try write("0003_seed.down.sql", "DELETE FROM items WHERE id IN (1, 2);")
        try await F.apply(Self.stack(port: postgres.port, integrity: nil), to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let viewer = try await F.user("vic", roles: ["viewer"], on: cluster)

        // A viewer reads but may not migrate: 403, exit 2.
        let refused = try await F.steward(["migrate", "up", "db", "--env", "production"], token: viewer, on: cluster)
        #expect(refused.status == 2, "\(refused.standardError)")
        #expect(refused.standardError.contains("needs the role 'operator'"), "\(refused.standardError)")
        let pending = try await F.steward(["migrate", "status", "db", "--env", "production", "--check"], token: viewer, on: cluster)
        #expect(pending.status == 1, "--check fails while migrations are pending")
        #expect(pending.standardOutput.contains("0001  pending   create_items"), "\(pending.standardOutput)")

        // Up to 1: a verified backup first, then the migration.
        let first = try await F.steward(
            ["migrate", "up", "db", "--env", "production", "--to", "1", "--wait"], token: ops, on: cluster, timeout: .seconds(180))
        #expect(first.status == 0, "\(first.standardError)\n\(cluster.logs())")
        let migrated = try await schema()
        #expect(migrated == "items.id bigint, items.price numeric, steward_schema_migrations.applied_at timestamp with time zone, steward_schema_migrations.applied_by text, steward_schema_migrations.duration_ms bigint, steward_schema_migrations.name text, steward_schema_migrations.sha256 text, steward_schema_migrations.version bigint")

        // The rest, with the stack's integrity query validating after.
        try await F.apply(Self.stack(port: postgres.port, integrity: "SELECT id FROM items WHERE price < 0"), to: cluster)
        let rest = try await F.steward(["migrate", "up", "db", "--env", "production", "--wait"], token: ops, on: cluster, timeout: .seconds(180))
        #expect(rest.status == 0, "\(rest.standardError)\n\(cluster.logs())")
        #expect(rest.standardOutput.contains("0003  applied   seed"), "\(rest.standardOutput)")
        #expect(rest.standardOutput.contains("done, validated"), "\(rest.standardOutput)")
        #expect(try await psql("SELECT string_agg(sku, ',' ORDER BY id) FROM items") == "a;b,c")
        let again = try await F.steward(["migrate", "up", "db", "--env", "production", "--wait"], token: ops, on: cluster)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.standardOutput.contains("nothing to apply"), "\(again.standardOutput)")
        let current = try await F.steward(["migrate", "status", "db", "--check", "--output", "json"], token: viewer, on: cluster)
        #expect(current.status == 0, "\(current.standardError)")
        #expect(current.standardOutput.components(separatedBy: #""state" : "applied""#).count == 4, "\(current.standardOutput)")

        // Each applied migration was recorded once, after a started event naming a verified backup.
        let events = try await cluster.api("GET", "/events?type=migration.&limit=1000").decode([Event].self)
        let applied = events.filter { $0.type == "migration.applied" }
        #expect(applied.compactMap(\.payload.version).sorted() == [1, 2, 3])
        #expect(applied.allSatisfy { $0.actor == "ops" && $0.payload.backup != nil })
        let started = events.filter { $0.type == "migration.started" }
        #expect(started.map { $0.payload.versions ?? [] }.sorted { $0.count < $1.count } == [[1], [2, 3]])
        #expect(events.contains { $0.type == "migration.validated" && $0.payload.passed == true })
        for backup in Set(started.compactMap(\.payload.backup)) {
            let view = try await cluster.api("GET", "/backups/\(backup)")
            #expect(view.status == 200 && view.text.contains(#""verified":true"#), "\(view.text)")
        }

        // An edited applied migration: refused, naming the file and both checksums; nothing runs.
        let original = try String(contentsOfFile: directory + "/0002_add_sku.up.sql", encoding: .utf8)
        try write("0002_add_sku.up.sql", "ALTER TABLE items ADD COLUMN sku varchar(10);")
        let drifted = try await F.steward(["migrate", "up", "db", "--env", "production", "--wait"], token: ops, on: cluster)
        #expect(drifted.status == 1)
        #expect(drifted.standardError.contains("0002_add_sku.up.sql changed after it was applied (applied sha256 "), "\(drifted.standardError)")
        #expect(drifted.standardError.contains("file sha256 "))
        try write("0002_add_sku.up.sql", original)

        // A failing migration: rolled back whole, the schema as it was, the failure recorded.
        let before = try await schema()
        try write("0004_broken.up.sql", "ALTER TABLE items ADD COLUMN note text;\nCREATE TABLE extra (id int);\nINSERT INTO items (id) VALUES (9);")
        let broken = try await F.steward(["migrate", "up", "db", "--env", "production", "--wait"], token: ops, on: cluster, timeout: .seconds(180))
        #expect(broken.status == 1)
        #expect(broken.standardError.contains("0004_broken.up.sql failed at statement 3 of 3"), "\(broken.standardError)")
        #expect(try await schema() == before)
        let failed = try await cluster.api("GET", "/events?type=migration.failed&limit=1000").decode([Event].self)
        #expect(failed.contains { $0.payload.version == 4 && $0.payload.error?.contains("rolled back") == true })
        try FileManager.default.removeItem(atPath: directory + "/0004_broken.up.sql")

        // Down to 1: 3 then 2 reverted.
        let down = try await F.steward(
            ["migrate", "down", "db", "--env", "production", "--to", "1", "--yes", "--wait"], token: ops, on: cluster,
            timeout: .seconds(180))
        #expect(down.status == 0, "\(down.standardError)\n\(cluster.logs())")
        let reverted = try await cluster.api("GET", "/events?type=migration.reverted&limit=1000").decode([Event].self)
        #expect(reverted.compactMap(\.payload.version) == [3, 2], "newest first")
        #expect(try await psql("SELECT count(*) FROM items") == "0")
        #expect(down.standardOutput.contains("0002  pending   add_sku"), "\(down.standardOutput)")

        // Integrity queries that no longer hold after an up: the run fails (exit 1) and says so; nothing is reverted.
        try await F.apply(Self.stack(port: postgres.port, integrity: "SELECT id FROM items WHERE price > 1"), to: cluster)
        let invalid = try await F.steward(["migrate", "up", "db", "--env", "production", "--wait"], token: ops, on: cluster, timeout: .seconds(180))
        #expect(invalid.status == 1)
        #expect(invalid.standardError.contains("applied, but the integrity queries did not hold: integrity query 1 returned 2 row(s)"), "\(invalid.standardError)")
        #expect(try await psql("SELECT count(*) FROM items") == "2")
        let validated = try await cluster.api("GET", "/events?type=migration.validated&limit=1000").decode([Event].self)
        #expect(validated.map(\.payload.passed) == [true, false])

        // The password reached no event, no answer, no log line.
        var everything = try await cluster.api("GET", "/events?limit=1000").text
        everything += first.standardOutput + first.standardError + rest.standardOutput + broken.standardError
        everything += try await cluster.api("GET", "/migrations/db").text + cluster.logs()
        #expect(!everything.contains(password))
    }

    /// Usage mistakes are caught before any request (exit 64); help names the subcommands.
    @Test func usageErrorsExit64() async throws {
        let help = try await runCommand(StewardCluster.stewardBinary, ["migrate", "--help"])
        #expect(help.status == 0)
        for word in ["status", "up", "down", "drift", "backupBeforeMigrate"] {
            #expect(help.standardOutput.contains(word), "\(word): \(help.standardOutput)")
        }
        for arguments in [
            ["migrate", "up", "db"], ["migrate", "up", "db", "--env", "production", "--to", "0"],
            ["migrate", "down", "db", "--env", "production"], ["migrate", "down", "db", "--env", "production", "--to", "1"],
        ] {
            let result = try await runCommand(StewardCluster.stewardBinary, arguments + ["--server", "http://127.0.0.1:9"])
            #expect(result.status == 64, "\(arguments): \(result.standardError)")
        }
        let noTerminal = try await runCommand(
            StewardCluster.stewardBinary, ["migrate", "down", "db", "--env", "production", "--to", "1", "--server", "http://127.0.0.1:9"])
        #expect(noTerminal.standardError.contains("pass --yes"), "\(noTerminal.standardError)")
    }
}
