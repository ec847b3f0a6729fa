import Foundation
import Logging
import StewardCore
import StewardStore

extension ControlPlane {
    /// After a restart: ends the migration runs and mirror runs the previous process left running
    /// (``InterruptedRuns``) with `migration.failed` / `mirror.failed`, as the actor `steward`.
    ///
    /// Nothing else is left to undo: a migration's transaction was rolled back by PostgreSQL when
    /// its connection died (and the advisory lock released with it); a mirror writes each object to a
    /// temporary name and renames it complete, and its next sync copies only what is missing.
    nonisolated func cleanUpInterruptedRuns() async {
        do {
            let migrations = try log.latestEvents(limit: 5000, typePrefix: "migration.", subjectPrefix: nil)
                .sorted { $0.seq < $1.seq }.compactMap { record -> MigrationEvent? in
                    if case .migration(let event)? = record.event { event } else { nil }
                }
            for started in InterruptedRuns.migrations(in: migrations)
            where await !migrationOperations.values.contains(where: { $0.run == started.run }) {
                var failed = MigrationEvent(
                    .failed, run: started.run, environment: started.environment, dependency: started.dependency,
                    direction: started.direction)
                failed.backup = started.backup
                failed.deployment = started.deployment
                failed.error = "interrupted by a control-plane restart: the migration running then was rolled back "
                    + "with its transaction; `steward migrate status` shows what is applied"
                await recordEnd(.migration(failed), of: "migration run \(started.run)")
            }
            let mirrors = try log.latestEvents(limit: 5000, typePrefix: "mirror.", subjectPrefix: nil)
                .sorted { $0.seq < $1.seq }.compactMap { record -> MirrorEvent? in
                    if case .mirror(let event)? = record.event { event } else { nil }
                }
            for started in InterruptedRuns.mirrors(in: mirrors)
            where await mirrorOperations[started.mirror]?.run != started.run {
                var failed = MirrorEvent(.failed, mirror: started.mirror, run: started.run, operation: started.operation)
                failed.error = "interrupted by a control-plane restart; run it again: it copies only what is missing"
                await recordEnd(.mirror(failed), of: "mirror run \(started.run)")
            }
        } catch {
            logger.error("cannot read the migration and mirror runs of the log: \(error)")
        }
    }

    /// Records the end of `what`, cut short by a restart, as the actor `steward`.
    func recordEnd(_ event: StewardEvent, of what: String) {
        logger.warning("\(what) was interrupted by a restart: recording its end")
        do {
            try record([event], actor: "steward")
        } catch {
            logger.error("cannot record the end of interrupted \(what): \(error)")
        }
    }
}
