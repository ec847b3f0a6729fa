import Crypto
import Foundation
import PostgresNIO
import StewardBackup
import StewardCore
import StewardTesting
import Testing

/// Migrations against a real PostgreSQL 15: order, history, drift, rollback, down, the lock.
@Suite struct MigrationRunnerTests {
    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Three migrations where each needs the one before; the last logs itself.
    static func writeThree(_ fixture: MigrationFixture) throws {
        try fixture.write("0001_create_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);")
        try fixture.write("0001_create_items.down.sql", "DROP TABLE items;")
        try fixture.write("0002_add_price.up.sql", "ALTER TABLE items ADD COLUMN price numeric NOT NULL DEFAULT 0;\n-- a note; with a semicolon\n")
        try fixture.write("0002_add_price.down.sql", "ALTER TABLE items DROP COLUMN price;")
        try fixture.write(
            "0003_seed.up.sql",
            """
            INSERT INTO items (id, name, price) VALUES (1, 'a;b', 2.5), (2, 'it''s', 3);
            CREATE FUNCTION item_count() RETURNS bigint AS $$ SELECT count(*) FROM items; $$ LANGUAGE sql;
            """)
        try fixture.write("0003_seed.down.sql", "DROP FUNCTION item_count();\nDELETE FROM items WHERE id IN (1, 2);")
    }

    /// Up applies the pending migrations in version order and records each; status says applied;
    /// a second up applies nothing; up --to stops at the target.
    @Test func upAppliesPendingInOrderOnce() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try Self.writeThree(fixture)
        let before = try await fixture.runner.status(url: fixture.url, directory: try fixture.load())
        #expect(before.map(\.state) == [.pending, .pending, .pending])

        #expect(try await fixture.up(to: 1) == [1])
        #expect(try await fixture.up() == [2, 3])
        #expect(try await fixture.up() == [], "nothing is pending")
        let status = try await fixture.runner.status(url: fixture.url, directory: try fixture.load())
        #expect(status.map(\.state) == [.applied, .applied, .applied])
        #expect(status[1].appliedSHA256 == Self.sha256(try String(contentsOfFile: fixture.directory.path + "/0002_add_price.up.sql", encoding: .utf8)))
        #expect(try await fixture.strings("SELECT item_count()::text") == ["2"])
        #expect(
            try await fixture.strings("SELECT version || ' ' || name || ' ' || applied_by FROM steward_schema_migrations ORDER BY version")
                == ["1 create_items tester", "2 add_price tester", "3 seed tester"])
    }

    /// An applied migration whose file was edited refuses every run, naming the file and both checksums; nothing runs.
    @Test func editedMigrationIsRefused() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try Self.writeThree(fixture)
        _ = try await fixture.up(to: 2)
        let original = try String(contentsOfFile: fixture.directory.path + "/0002_add_price.up.sql", encoding: .utf8)
        let edited = "ALTER TABLE items ADD COLUMN price numeric;"
        try fixture.write("0002_add_price.up.sql", edited)

        let error = await #expect(throws: MigrationError.self) { try await fixture.up() }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("0002_add_price.up.sql changed after it was applied") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("applied sha256 \(Self.sha256(original))") == true)
        #expect(error?.message.contains("file sha256 \(Self.sha256(edited))") == true)
        #expect(try await fixture.strings("SELECT count(*)::text FROM pg_proc WHERE proname = 'item_count'") == ["0"], "0003 did not run")
        let status = try await fixture.runner.status(url: fixture.url, directory: try fixture.load())
        #expect(status.map(\.state) == [.applied, .drifted, .pending])
    }

    /// A failing migration is rolled back whole: the schema after equals the schema before, the
    /// history does not have it, and the error names the file and the statement.
    @Test func failedMigrationLeavesTheSchemaAsItWas() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try fixture.write("0001_create_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY);")
        _ = try await fixture.up()
        let schema = try await fixture.schema()
        try fixture.write(
            "0002_broken.up.sql",
            "ALTER TABLE items ADD COLUMN price numeric;\nCREATE TABLE extra (id int);\nSELECT no_such_column FROM items;")

        let error = await #expect(throws: MigrationError.self) { try await fixture.up() }
        #expect(error?.kind == .failed)
        #expect(error?.version == 2 && error?.name == "broken")
        #expect(error?.message.hasPrefix("0002_broken.up.sql failed at statement 3 of 3: column \"no_such_column\" does not exist") == true, "\(error?.message ?? "")")
        #expect(try await fixture.schema() == schema)
        #expect(try await fixture.strings("SELECT version::text FROM steward_schema_migrations") == ["1"])
        let status = try await fixture.runner.status(url: fixture.url, directory: try fixture.load())
        #expect(status.map(\.state) == [.applied, .pending])
    }

    /// Down --to reverts newest first and removes the history rows; a migration without a down file stops it before anything runs.
    @Test func downRevertsInReverseOrder() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try Self.writeThree(fixture)
        _ = try await fixture.up()
        #expect(try await fixture.down(to: 1) == [3, 2])
        #expect(try await fixture.schema() == ["items.id bigint", "items.name text", "steward_schema_migrations.applied_at timestamp with time zone", "steward_schema_migrations.applied_by text", "steward_schema_migrations.duration_ms bigint", "steward_schema_migrations.name text", "steward_schema_migrations.sha256 text", "steward_schema_migrations.version bigint"])
        let status = try await fixture.runner.status(url: fixture.url, directory: try fixture.load())
        #expect(status.map(\.state) == [.applied, .pending, .pending])

        try fixture.remove("0001_create_items.down.sql")
        let error = await #expect(throws: MigrationError.self) { try await fixture.down(to: 0) }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("0001_create_items.up.sql (no 0001_create_items.down.sql) cannot be reverted") == true)
        #expect(try await fixture.strings("SELECT version::text FROM steward_schema_migrations") == ["1"])
    }

    /// Two runs at once: the second waits for the first's lock, then finds the work done; each
    /// migration ran exactly once. Both are held at the lock first, so they surely overlap.
    @Test func concurrentRunsApplyEachMigrationOnce() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try fixture.write("0001_log.up.sql", "CREATE TABLE ran (version int NOT NULL);\nINSERT INTO ran VALUES (1);")
        for version in 2...4 {
            try fixture.write(String(format: "%04d_step.up.sql", version), "INSERT INTO ran VALUES (\(version));")
        }
        let holder = try await fixture.connect()
        _ = try await holder.query("SELECT pg_advisory_lock(\(MigrationRunner.lockKey))", logger: MigrationFixture.logger).collect()
        async let first = fixture.up()
        async let second = fixture.up()
        try await eventually(timeout: .seconds(30), "both runs to wait for the migration lock") {
            try await fixture.strings(
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND NOT granted", database: "shop") == ["2"]
        }
        _ = try await holder.query("SELECT pg_advisory_unlock(\(MigrationRunner.lockKey))", logger: MigrationFixture.logger).collect()
        try await holder.close()
        let runs = try await [first, second]
        #expect(runs.sorted { $0.count < $1.count } == [[], [1, 2, 3, 4]])
        #expect(try await fixture.strings("SELECT version::text FROM ran ORDER BY version") == ["1", "2", "3", "4"])
    }

    /// A run that cannot get the lock in time fails clearly and runs nothing.
    @Test func lockHeldTooLongFailsClearly() async throws {
        let fixture = try await MigrationFixture.start(lockTimeout: .seconds(1))
        defer { fixture.stop() }
        try fixture.write("0001_create_items.up.sql", "CREATE TABLE items (id int);")
        let holder = try await fixture.connect()
        _ = try await holder.query("SELECT pg_advisory_lock(\(MigrationRunner.lockKey))", logger: MigrationFixture.logger).collect()
        let error = await #expect(throws: MigrationError.self) { try await fixture.up() }
        try await holder.close()
        #expect(error?.kind == .busy)
        #expect(error?.message.contains("another migration run on postgres://postgres@127.0.0.1:\(fixture.postgres.port)/shop holds the migration lock (server process") == true, "\(error?.message ?? "")")
        #expect(try await fixture.schema().isEmpty)
    }

    /// A file that runs its own COMMIT is refused before anything runs; connection errors never show the password.
    @Test func transactionControlAndPasswordsAreRefused() async throws {
        let fixture = try await MigrationFixture.start()
        defer { fixture.stop() }
        try fixture.write("0001_a.up.sql", "CREATE TABLE a (id int);")
        try fixture.write("0002_b.up.sql", "CREATE TABLE b (id int);\nCOMMIT;\nCREATE TABLE c (id int);")
        let error = await #expect(throws: MigrationError.self) { try await fixture.up() }
        #expect(error?.kind == .refused)
        #expect(error?.message.hasPrefix("0002_b.up.sql, statement 2: 'COMMIT' controls the transaction") == true, "\(error?.message ?? "")")
        #expect(try await fixture.strings("SELECT table_name::text FROM information_schema.tables WHERE table_name IN ('a', 'b', 'c')").isEmpty)

        let wrongPort = fixture.url.replacingOccurrences(of: ":\(fixture.postgres.port)/", with: ":1/")
        let unreachable = await #expect(throws: MigrationError.self) {
            try await fixture.runner.status(url: wrongPort, directory: try fixture.load())
        }
        #expect(unreachable?.kind == .unreachable)
        #expect(unreachable?.message.contains(fixture.password) == false)
        #expect(unreachable?.message.contains("postgres://postgres@127.0.0.1:1/shop") == true, "\(unreachable?.message ?? "")")
    }

    /// A directory that breaks the naming rule is refused with every bad file named.
    @Test func badDirectoryIsRefused() async throws {
        let directory = try TemporaryDirectory(prefix: "steward-migrations")
        defer { directory.remove() }
        try "x".write(toFile: directory.path + "/0001_a.up.sql", atomically: true, encoding: .utf8)
        try "x".write(toFile: directory.path + "/0003_c.up.sql", atomically: true, encoding: .utf8)
        try "x".write(toFile: directory.path + "/notes.sql", atomically: true, encoding: .utf8)
        try "x".write(toFile: directory.path + "/README.md", atomically: true, encoding: .utf8)
        let error = #expect(throws: MigrationError.self) { try MigrationDirectory.load(directory.path) }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("notes.sql: it says neither .up.sql nor .down.sql") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("0003_c.up.sql: version 3 follows version 1: version 2 is missing") == true)
        let missing = #expect(throws: MigrationError.self) { try MigrationDirectory.load(directory.path + "/nope") }
        #expect(missing?.message == "the migrations directory \(directory.path)/nope does not exist")
    }
}
