import Foundation
import Logging
import StewardCore

extension BackupEngine {
    /// Drops the scratch database of a verification of `id` that a restart cut short, if one is left
    /// on the server of `serverURL`.
    /// - Returns: the database's name when it was there and is gone, nil when there was none.
    public static func dropVerificationScratch(_ id: String, serverURL: String, maintenanceDatabase: String = "postgres", logger: Logger)
        async throws -> String?
    {
        let server = try PostgresTarget(url: serverURL).with(database: maintenanceDatabase)
        let scratch = databaseName("steward", "verify", id: id)
        return try await BackupSQL.with(server, logger: logger) { sql in
            guard try await sql.databaseExists(scratch) else { return nil }
            try await sql.drop(scratch)
            return scratch
        }
    }

    /// Puts right what a restore of `id` into `targetURL`'s database left when a restart cut it
    /// short: finds which of the target, its copy and its `before` database exist, and carries out
    /// ``RestoreLeftovers/plan(_:target:copy:previous:)`` on the server.
    /// - Returns: the plan carried out (its verdict says whether the swap had happened).
    /// - Throws: ``BackupError`` `.failed` when the server cannot be reached or a step fails; the
    ///   steps are safe to run again.
    public static func recoverInterruptedRestore(
        _ id: String, into targetURL: String, maintenanceDatabase: String = "postgres", logger: Logger
    ) async throws -> RestoreLeftovers.Plan {
        let target = try PostgresTarget(url: targetURL)
        let copy = Self.databaseName(target.database, "restore", id: id)
        let previous = Self.databaseName(target.database, "before", id: id)
        return try await BackupSQL.with(target.with(database: maintenanceDatabase), logger: logger) { sql in
            let found = RestoreLeftovers.Found(
                target: try await sql.databaseExists(target.database), copy: try await sql.databaseExists(copy),
                previous: try await sql.databaseExists(previous))
            let plan = RestoreLeftovers.plan(found, target: target.database, copy: copy, previous: previous)
            for action in plan.actions {
                switch action {
                case .renamePreviousBack: try await sql.rename(previous, to: target.database)
                case .reopenTarget: try await sql.setAllowConnections(target.database, true)
                case .reopenPrevious: try await sql.setAllowConnections(previous, true)
                case .dropCopy: try await sql.drop(copy)
                }
            }
            logger.info("interrupted restore cleaned up", metadata: ["backup": "\(id)", "found": "\(plan.summary)"])
            return plan
        }
    }
}
