import Foundation
import Logging

extension BackupEngine {
    /// Restores a backup into the database named by `targetURL`, beside it first and then by renaming.
    ///
    /// 1. The checksum is recomputed (a bucket's artifact is first downloaded into a 0600 file of a
    ///    private directory); a mismatch refuses the restore.
    /// 2. A target that holds any table is refused unless `options.force`.
    /// 3. The artifact is restored into a new database `NAME_restore_ID` and checked (row counts,
    ///    integrity queries). On any failure that copy is dropped and the target is untouched.
    /// 4. `options.beforeSwap` runs (stop the writers there).
    /// 5. The target is closed to new sessions, its sessions are ended, it is renamed to
    ///    `NAME_before_ID` and the copy takes its name. A failed rename puts the old name back.
    ///
    /// The control plane's order: stop writers in `beforeSwap`, call this, start them after it
    /// returns or throws (the target is then either the restored copy or the untouched original).
    /// - Throws: ``BackupError`` `.refused`, `.corrupt`, `.verificationFailed` (every reason) or `.failed`.
    public func restore(_ id: String, into targetURL: String, options: RestoreOptions = RestoreOptions()) async throws
        -> RestoreOutcome
    {
        let manifest = try await store.manifest(id)
        let target = try PostgresTarget(url: targetURL)
        let server = target.with(database: options.maintenanceDatabase)
        guard target.database != options.maintenanceDatabase else {
            // Renaming needs a connection to another database: the one it would rename cannot be it.
            throw BackupError(
                .invalid, "cannot restore into \(target.database), the maintenance database; choose another target")
        }
        let clock = ContinuousClock()
        let started = clock.now
        // A bucket's artifact is downloaded (0600, private directory) and checked before anything else.
        let scratchFiles = try PrivateDirectory()
        defer { scratchFiles.remove() }
        let (artifact, checksumFailures, checksumChecks) = await fetchAndCheck(manifest, scratch: scratchFiles)
        guard checksumFailures.isEmpty, let artifact else {
            throw BackupError(.corrupt, "backup \(id) is corrupt: \(checksumFailures.joined(separator: "; "))")
        }
        let exists = try await BackupSQL.with(server, logger: logger) { try await $0.databaseExists(target.database) }
        if exists && !options.force {
            let relations = try await BackupSQL.with(target, logger: logger) { try await $0.userRelationCount() }
            if relations > 0 {
                throw BackupError(
                    .refused,
                    "\(target.redacted) is not empty (\(relations) relations); restore with force to replace it")
            }
        }
        let beside = Self.databaseName(target.database, "restore", id: id)
        let previous = Self.databaseName(target.database, "before", id: id)
        logger.info("restore started", metadata: ["backup": "\(id)", "target": "\(target.redacted)", "beside": "\(beside)"])

        do {
            let (failures, checks) = try await restoreAndCheck(
                manifest, artifact: artifact, server: server, database: beside, integrityQueries: options.integrityQueries)
            guard failures.isEmpty else {
                throw BackupError(
                    .verificationFailed,
                    "the restored copy of \(id) failed its checks, \(target.database) is untouched: "
                        + failures.joined(separator: "; "))
            }
            try await options.beforeSwap()
            try await swap(beside, into: target.database, keeping: exists ? previous : nil, server: server)
            if exists && options.dropPrevious {
                try await BackupSQL.with(server, logger: logger) { try await $0.drop(previous) }
            }
            let verification = VerificationResult(
                backupID: id, verifiedAt: Date(), failures: [], checks: checksumChecks + checks,
                database: target.database, durationSeconds: Self.seconds(clock.now - started))
            logger.info("restore finished", metadata: ["backup": "\(id)", "target": "\(target.redacted)"])
            return RestoreOutcome(
                backupID: id, database: target.database,
                previousDatabase: exists && !options.dropPrevious ? previous : nil, verification: verification)
        } catch {
            // The copy is the only thing this call created; the target was not renamed (swap undoes itself).
            try? await BackupSQL.with(server, logger: logger) { sql in
                if try await sql.databaseExists(beside) { try await sql.drop(beside) }
            }
            throw error
        }
    }

    /// Gives `copy` the name `target`; the old target, when there is one, becomes `previous`.
    private func swap(_ copy: String, into target: String, keeping previous: String?, server: PostgresTarget) async throws {
        try await BackupSQL.with(server, logger: logger) { sql in
            // The checking session may linger a moment after its close; a rename needs it gone.
            try await sql.endSessions(on: copy)
            guard let previous else {
                try await sql.rename(copy, to: target)
                return
            }
            // Closed to new sessions first, so none slips in between ending them and the rename.
            try await sql.setAllowConnections(target, false)
            do {
                try await sql.endSessions(on: target)
                try await sql.rename(target, to: previous)
            } catch {
                try? await sql.setAllowConnections(target, true)
                throw error
            }
            do {
                try await sql.rename(copy, to: target)
            } catch {
                try? await sql.rename(previous, to: target)
                try? await sql.setAllowConnections(target, true)
                throw error
            }
            try await sql.setAllowConnections(previous, true)
        }
    }
}
