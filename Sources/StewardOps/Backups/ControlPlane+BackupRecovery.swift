import Foundation
import Logging
import StewardBackup
import StewardCore
import StewardStore

extension ControlPlane {
    /// After a restart: ends the backups and restores the previous process left running
    /// (``InterruptedBackupWork``), so none stays "started" in the log forever, and removes the
    /// private directories dead processes left (``PrivateDirectory/removeAbandoned(in:ownerlessAfter:now:)``).
    ///
    /// - A backup: its partial artifact is removed from the store and `backup.failed` recorded (or
    ///   `backup.created`, when its manifest was written before the restart: the backup exists).
    /// - A verification: its scratch database is dropped and `backup.verified` records it did not pass.
    /// - A restore: ``BackupEngine/recoverInterruptedRestore(_:into:maintenanceDatabase:logger:)``
    ///   drops the leftover copy or undoes a swap cut between its renames, the services it stopped
    ///   are started again, and `backup.restored` (the swap had happened) or `backup.restore-failed`
    ///   records what was found and done.
    nonisolated func cleanUpInterruptedBackups() async {
        // The private directories (PGPASSFILE, tool logs) of processes killed before removing them.
        for path in PrivateDirectory.removeAbandoned() {
            logger.warning("removed \(path): the process that made it is gone")
        }
        let work: [InterruptedBackupWork]
        do {
            work = try Self.interruptedBackupWork(in: log)
        } catch {
            logger.error("cannot read the backups of the log: \(error)")
            return
        }
        for item in work where await backupOperations[item.backup] == nil {
            logger.warning("\(item.kind.rawValue) of backup \(item.backup) was interrupted by a restart: cleaning up")
            switch item.kind {
            case .create: await endInterruptedBackup(item)
            case .verify: await endInterruptedVerification(item)
            case .restore: await endInterruptedRestore(item)
            }
        }
    }

    /// The backup work the log shows started and not ended (the last 5,000 `backup.*` and `service.stopped` events).
    nonisolated static func interruptedBackupWork(in log: EventLog) throws -> [InterruptedBackupWork] {
        let records = try log.latestEvents(limit: 5000, typePrefix: "backup.", subjectPrefix: nil)
            + log.latestEvents(limit: 5000, typePrefix: "service.stopped", subjectPrefix: nil)
        let entries: [InterruptedBackupWork.Entry] = records.sorted { $0.seq < $1.seq }.compactMap { record in
            switch record.event {
            case .backup(let event)?: return .backup(event)
            case .serviceStopped(let stopped)?: return .serviceStopped(stopped)
            default: return nil
            }
        }
        return InterruptedBackupWork.find(in: entries)
    }

    private nonisolated func endInterruptedBackup(_ item: InterruptedBackupWork) async {
        let storage = try? await backupStorage(dependency: item.dependency, environment: item.environment)
        if let storage, let manifest = try? await storage.manifest(item.backup) {
            // Committed and described before the restart: only its event was missing.
            await recordEnd(.backup(Self.createdEvent(manifest)), of: "backup \(item.backup)")
            return
        }
        let removed = await storage?.discardStaged(item.backup) ?? []
        var failed = BackupEvent(.failed, backup: item.backup, environment: item.environment, dependency: item.dependency)
        failed.error = "interrupted by a control-plane restart"
            + (removed.isEmpty ? "" : "; on start-up: removed \(removed.joined(separator: ", "))")
        await recordEnd(.backup(failed), of: "backup \(item.backup)")
    }

    private nonisolated func endInterruptedVerification(_ item: InterruptedBackupWork) async {
        var note: String
        var mask = SecretMask()
        do {
            let url = try await resolvedBackupURL(dependency: item.dependency, environment: item.environment)
            mask.hidePassword(ofURL: url)
            let dropped = try await Self.retrying {
                try await BackupEngine.dropVerificationScratch(item.backup, serverURL: url, logger: self.logger)
            }
            note = dropped.map { "dropped the scratch database \($0)" } ?? "no scratch database was left"
        } catch {
            note = "the scratch database could not be dropped (\(mask.apply("\(error)"))): check for steward_verify_*"
        }
        var event = BackupEvent(.verified, backup: item.backup, environment: item.environment, dependency: item.dependency)
        event.passed = false
        event.failures = ["interrupted by a control-plane restart, so not verified; on start-up: \(note)"]
        await recordEnd(.backup(event), of: "verification of backup \(item.backup)")
    }

    private nonisolated func endInterruptedRestore(_ item: InterruptedBackupWork) async {
        var notes = [String]()
        var plan: RestoreLeftovers.Plan?
        if let target = item.target {
            var mask = SecretMask()
            do {
                let server = try PostgresTarget(
                    url: try await resolvedBackupURL(dependency: item.dependency, environment: item.environment))
                mask.hidePassword(ofURL: Self.url(of: server))
                plan = try await Self.retrying {
                    try await BackupEngine.recoverInterruptedRestore(
                        item.backup, into: Self.url(of: server.with(database: target)), logger: self.logger)
                }
            } catch {
                notes.append("the server could not be cleaned up (\(mask.apply("\(error)"))): check \(target) and any database named \(target)_restore_* or \(target)_before_*")
            }
        }
        if let plan { notes.append(plan.summary) }
        var started = [String]()
        for service in item.stoppedServices {
            do {
                _ = try await start(service: service, environment: item.environment, actor: "steward")
                started.append(service)
            } catch {
                logger.warning("after an interrupted restore, \(service) in \(item.environment) was not started again: \(error)")
            }
        }
        if !started.isEmpty { notes.append("started again: \(started.joined(separator: ", "))") }
        var event = BackupEvent(
            plan?.verdict == .swapped ? .restored : .restoreFailed, backup: item.backup, environment: item.environment,
            dependency: item.dependency)
        event.target = item.target
        if plan?.verdict == .swapped {
            event.previousDatabase = plan?.keptAs
        } else {
            event.error = "interrupted by a control-plane restart; on start-up: " + notes.joined(separator: "; ")
        }
        await recordEnd(.backup(event), of: "restore of backup \(item.backup)")
    }

    /// Up to three attempts a few seconds apart: the database server may be starting too.
    private nonisolated static func retrying<Value>(_ body: () async throws -> Value) async throws -> Value {
        for _ in 1..<3 {
            if let value = try? await body() { return value }
            try await Task.sleep(for: .seconds(2))
        }
        return try await body()
    }
}
