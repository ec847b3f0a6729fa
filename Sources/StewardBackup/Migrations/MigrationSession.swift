import Foundation
import Logging
import PostgresNIO
import StewardCore

/// One connection of a migration run: the lock, the history table, and one migration's transaction.
struct MigrationSession {
    let sql: BackupSQL
    let target: PostgresTarget
    let logger: Logger

    /// Takes the run's session advisory lock, waiting at most `timeout` for another run to let go.
    ///
    /// `lock_timeout` bounds the wait inside the server (no polling); the lock lasts until the
    /// connection closes, so a run that dies frees it with its session.
    func lock(timeout: Duration) async throws {
        let milliseconds = max(1, timeout.wholeMilliseconds)
        try await sql.execute("SET lock_timeout = \(milliseconds)")
        do {
            _ = try await sql.connection.query("SELECT pg_advisory_lock(\(MigrationRunner.lockKey))", logger: logger).collect()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
            let holder = try? await sql.value(
                """
                SELECT pid::text FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND ((classid::bigint << 32) | objid::bigint) = \(MigrationRunner.lockKey)
                """)
            throw MigrationError(
                .busy,
                "another migration run on \(target.redacted) holds the migration lock"
                    + (holder.map { " (server process \($0))" } ?? "") + " and did not finish within \(timeout); nothing ran")
        } catch {
            throw MigrationError(.unreachable, "cannot take the migration lock on \(target.redacted): \(BackupSQL.describe(error))")
        }
        try await sql.execute("SET lock_timeout = 0")
    }

    /// The history, oldest first. Without `createTable`, a database that has none has an empty history.
    func history(createTable: Bool) async throws -> [AppliedMigration] {
        let table = MigrationRunner.historyTable
        if createTable {
            try await sql.execute(
                """
                CREATE TABLE IF NOT EXISTS \(table) (
                    version bigint PRIMARY KEY,
                    name text NOT NULL,
                    sha256 text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    applied_by text NOT NULL,
                    duration_ms bigint NOT NULL
                )
                """)
        } else if try await sql.value(PostgresQuery(unsafeSQL: "SELECT to_regclass('\(table)')::text")) == nil {
            return []
        }
        var history = [AppliedMigration]()
        let rows = try await sql.connection.query(
            PostgresQuery(unsafeSQL: "SELECT version, name, sha256, applied_at FROM \(table) ORDER BY version"), logger: logger)
        for try await (version, name, sha256, appliedAt) in rows.decode((Int64, String, String, Date).self) {
            history.append(AppliedMigration(version: Int(version), name: name, sha256: sha256, appliedAt: appliedAt))
        }
        return history
    }

    /// Runs one migration's statements and its history change in one transaction.
    ///
    /// Up inserts the history row, down deletes it. On any error the transaction is rolled back
    /// (PostgreSQL's DDL is transactional: the schema is exactly as before) and the error names
    /// the file, the statement and the server's message.
    func runInTransaction(
        _ script: MigrationScript, _ direction: MigrationFileName.Direction, _ statements: [String], actor: String
    ) async throws -> MigrationRunner.Step {
        let clock = ContinuousClock()
        let started = clock.now
        let file = direction == .up ? script.upFile : script.downFile ?? ""
        try await sql.execute("BEGIN")
        var statementIndex = 0
        do {
            for (index, statement) in statements.enumerated() {
                statementIndex = index
                _ = try await sql.connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            }
            statementIndex = statements.count
            let elapsed = clock.now - started
            let milliseconds = elapsed.wholeMilliseconds
            let version = Int64(script.version)
            switch direction {
            case .up:
                _ = try await sql.connection.query(
                    """
                    INSERT INTO public.steward_schema_migrations (version, name, sha256, applied_by, duration_ms)
                    VALUES (\(version), \(script.name), \(script.sha256), \(actor), \(milliseconds))
                    """, logger: logger
                ).collect()
            case .down:
                _ = try await sql.connection.query(
                    "DELETE FROM public.steward_schema_migrations WHERE version = \(version)", logger: logger
                ).collect()
            }
            try await sql.execute("COMMIT")
        } catch {
            // A session the server ended cannot roll back, but then nothing was committed either.
            try? await sql.execute("ROLLBACK")
            let place =
                statementIndex < statements.count
                ? "statement \(statementIndex + 1) of \(statements.count)" : "recording it in the history"
            throw MigrationError(
                .failed,
                "\(file) failed at \(place): \(BackupSQL.describe(error)); it was rolled back, the schema is as it was before it",
                version: script.version, name: script.name)
        }
        // A migration's `SET` (search_path, role) must not leak into the next one.
        try await sql.execute("RESET ALL")
        return MigrationRunner.Step(
            direction: direction, script: script, durationSeconds: BackupEngine.seconds(clock.now - started))
    }
}
