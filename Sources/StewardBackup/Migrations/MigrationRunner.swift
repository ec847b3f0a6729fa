import Foundation
public import Logging
import PostgresNIO
public import StewardCore

/// Applies and reverts the migrations of a directory on a PostgreSQL database, safely.
///
/// - One run at a time per database: a run holds a session advisory lock
///   (`pg_advisory_lock(`\(lockKey)`)`) from before it reads the history until it ends; a second
///   run waits for it (up to ``lockTimeout``, then fails clearly) and then finds the work done.
/// - Each migration runs in its own transaction together with its history row: it is applied
///   and recorded, or neither, and a failure leaves the schema exactly as it was before it.
/// - Nothing runs when the directory and the history disagree (``MigrationCatalog/planUp(history:to:)``).
///
/// The history is the table `public.steward_schema_migrations` (version, name, sha256,
/// applied_at, applied_by, duration_ms), created by the first run. The password is only in the
/// PostgresNIO connection configuration, never in a message.
public struct MigrationRunner: Sendable {
    /// The key of the advisory lock runs take (scoped to the database by PostgreSQL).
    public static let lockKey: Int64 = 0x5354_4557_4d49_4752  // "STEWMIGR"
    /// The history table, schema-qualified so a migration's `SET search_path` cannot move it.
    public static let historyTable = "public.steward_schema_migrations"

    public var logger: Logger
    /// How long a run waits for another run's lock before it fails with ``MigrationError/Kind/busy``.
    public var lockTimeout: Duration

    public init(logger: Logger, lockTimeout: Duration = .seconds(300)) {
        self.logger = logger
        self.lockTimeout = lockTimeout
    }

    /// What to run: `up` to the latest (or `target`), or `down` to `target`.
    public struct Request: Sendable {
        public var direction: MigrationFileName.Direction
        /// up: the last version to apply (nil: the latest); down: the version to keep (0: none).
        public var target: Int?
        /// Who asks, written to the history's `applied_by`.
        public var actor: String

        public init(direction: MigrationFileName.Direction, target: Int?, actor: String) {
            self.direction = direction
            self.target = target
            self.actor = actor
        }
    }

    /// One migration that ran and committed.
    public struct Step: Sendable, Equatable {
        public var direction: MigrationFileName.Direction
        public var script: MigrationScript
        public var durationSeconds: Double
    }

    /// The migrations of `directory` against the database's history; no lock, no table created.
    public func status(url: String, directory: MigrationDirectory) async throws(MigrationError) -> [MigrationStatus] {
        directory.catalog.status(history: try await history(url: url))
    }

    /// The database's history, oldest first; empty when no run ever created the table.
    public func history(url: String) async throws(MigrationError) -> [AppliedMigration] {
        try await withSession(url) { session in try await session.history(createTable: false) }
    }

    /// Runs what `request` asks on the database of `url`, under the lock.
    ///
    /// - Parameters:
    ///   - beforeRunning: called under the lock with the migrations about to run (never when there
    ///     are none); throwing stops the run before any migration (the control plane takes its
    ///     backup and records `migration.started` here).
    ///   - onStep: called after each migration committed.
    /// - Returns: the migrations that ran, in order (empty when there was nothing to do).
    /// - Throws: ``MigrationError``: `.refused` before anything ran, `.busy` when the lock was not
    ///   granted in time, `.failed` naming the migration that was rolled back (those before it
    ///   stay committed and were reported to `onStep`), `.unreachable` for the server.
    public func run(
        _ request: Request, url: String, directory: MigrationDirectory,
        beforeRunning: @Sendable ([MigrationScript]) async throws -> Void = { _ in },
        onStep: @Sendable (Step) async -> Void = { _ in }
    ) async throws(MigrationError) -> [Step] {
        try await withSession(url) { session in
            try await session.lock(timeout: lockTimeout)
            let history = try await session.history(createTable: true)
            let plan: [MigrationScript]
            do {
                switch request.direction {
                case .up: plan = try directory.catalog.planUp(history: history, to: request.target)
                case .down: plan = try directory.catalog.planDown(history: history, to: request.target ?? 0)
                }
            } catch let refusal as MigrationRefusal {
                throw MigrationError(.refused, refusal.message)
            }
            guard !plan.isEmpty else { return [] }
            let scripts = try plan.map { script in
                try (script, Self.statements(of: script, request.direction, in: directory))
            }
            do {
                try await beforeRunning(plan)
            } catch let error as MigrationError {
                throw error
            } catch {
                throw MigrationError(.refused, "\(error)")
            }
            var steps = [Step]()
            for (script, statements) in scripts {
                let step = try await session.runInTransaction(script, request.direction, statements, actor: request.actor)
                logger.info(
                    "migration \(request.direction == .up ? "applied" : "reverted")",
                    metadata: ["version": "\(script.version)", "name": "\(script.name)", "database": "\(session.target.redacted)"])
                steps.append(step)
                await onStep(step)
            }
            return steps
        }
    }

    /// Runs each query (which must return no rows) and says which did not hold.
    /// - Returns: one sentence per query that returned rows or failed; empty when all held.
    public func validate(url: String, queries: [String]) async throws(MigrationError) -> [String] {
        guard !queries.isEmpty else { return [] }
        return try await withSession(url) { session in
            var failures = [String]()
            for (index, query) in queries.enumerated() {
                do {
                    let rows = try await session.sql.rows(.init(unsafeSQL: query))
                    if !rows.isEmpty { failures.append("integrity query \(index + 1) returned \(rows.count) row(s): \(query)") }
                } catch {
                    failures.append("integrity query \(index + 1) failed: \(error)")
                }
            }
            return failures
        }
    }

    // MARK: Helpers

    /// The statements of the file to run, refused when it controls the transaction itself.
    static func statements(
        of script: MigrationScript, _ direction: MigrationFileName.Direction, in directory: MigrationDirectory
    ) throws(MigrationError) -> [String] {
        let file = direction == .up ? script.upFile : script.downFile ?? ""
        let statements = SQLScript.statements(directory.text(file))
        if let control = statements.firstIndex(where: SQLScript.controlsTransaction) {
            throw MigrationError(
                .refused,
                "\(file), statement \(control + 1): '\(statements[control].prefix(40))' controls the transaction; each "
                    + "migration already runs in one transaction of its own, so remove it (nothing ran)",
                version: script.version, name: script.name)
        }
        return statements
    }

    private func withSession<Value: Sendable>(
        _ url: String, _ body: (MigrationSession) async throws -> Value
    ) async throws(MigrationError) -> Value {
        let target: PostgresTarget
        do {
            target = try PostgresTarget(url: url)
        } catch {
            throw MigrationError(.invalid, "\(error)")
        }
        do {
            return try await BackupSQL.with(target, logger: logger, closeAfter: .seconds(7 * 24 * 3600)) { sql in
                try await body(MigrationSession(sql: sql, target: target, logger: logger))
            }
        } catch let error as MigrationError {
            throw error
        } catch let error as BackupError {
            throw MigrationError(.unreachable, error.message)
        } catch {
            throw MigrationError(.unreachable, BackupSQL.describe(error))
        }
    }
}
