/// What `up` and `down` would run: decided from the directory and the history alone.
///
/// Both refuse, before anything runs, when the directory does not describe the database: an
/// applied migration whose file changed (drift) or is gone (missing). A migration that ran is
/// history; changing it changes nothing in the databases where it already ran, so the fix is a
/// new migration, never an edit.
extension MigrationCatalog {
    /// The migrations `up` applies, in order: every pending one, or those up to `target`.
    /// - Parameter target: the version to stop at (inclusive); nil for the latest.
    /// - Returns: empty when everything up to the target is applied.
    /// - Throws: ``MigrationRefusal`` on drift, a missing file, a pending migration older than an
    ///   applied one, an unknown target, or a target below the latest applied version.
    public func planUp(history: [AppliedMigration], to target: Int? = nil) throws(MigrationRefusal) -> [MigrationScript] {
        let rows = status(history: history)
        try Self.refuseDisagreement(rows)
        let latestApplied = history.map(\.version).max() ?? 0
        if let target {
            guard migration(target) != nil else { throw unknown(target) }
            guard target >= latestApplied else {
                throw MigrationRefusal(
                    .wrongDirection,
                    "version \(target) is below the latest applied migration (\(latestApplied)); up applies, "
                        + "use down --to \(target) to revert")
            }
        }
        let pending = rows.filter { $0.state == .pending }
        if let early = pending.first(where: { $0.version < latestApplied }), let file = early.file {
            let label = migration(latestApplied)?.upFile ?? "version \(latestApplied)"
            throw MigrationRefusal(
                .outOfOrder,
                "\(file) is pending but \(label) is already applied: migrations run in version order, so "
                    + "give it a version after \(latestApplied)")
        }
        let limit = target ?? latestVersion
        return pending.filter { $0.version <= limit }.compactMap { migration($0.version) }
    }

    /// The migrations `down` reverts, newest first: every applied one above `target`.
    /// - Parameter target: the version to keep (0 reverts every migration).
    /// - Returns: empty when nothing above the target is applied.
    /// - Throws: ``MigrationRefusal`` on drift or a missing file, an unknown target, a target
    ///   above the latest applied version, or a migration to revert without a down file.
    public func planDown(history: [AppliedMigration], to target: Int) throws(MigrationRefusal) -> [MigrationScript] {
        let rows = status(history: history)
        try Self.refuseDisagreement(rows)
        guard target == 0 || migration(target) != nil else { throw unknown(target) }
        let latestApplied = history.map(\.version).max() ?? 0
        guard target <= latestApplied else {
            throw MigrationRefusal(
                .wrongDirection,
                "version \(target) is above the latest applied migration (\(latestApplied)); down reverts, "
                    + "use up --to \(target) to apply")
        }
        let reverted = rows.filter { $0.state == .applied && $0.version > target }.reversed().compactMap {
            migration($0.version)
        }
        let irreversible = reverted.filter { $0.downFile == nil }
        guard irreversible.isEmpty else {
            let names = irreversible.map { "\($0.upFile) (no \($0.label).down.sql)" }.joined(separator: ", ")
            throw MigrationRefusal(
                .irreversible,
                "cannot revert to version \(target): \(names) cannot be reverted; nothing was reverted")
        }
        return reverted
    }

    private func unknown(_ version: Int) -> MigrationRefusal {
        let known = migrations.isEmpty ? "the directory holds none" : "the directory has 1 to \(latestVersion)"
        return MigrationRefusal(.unknownVersion, "there is no migration \(version); \(known)")
    }

    /// Refuses when an applied migration's file changed or is gone, naming the file and both checksums.
    private static func refuseDisagreement(_ rows: [MigrationStatus]) throws(MigrationRefusal) {
        if let drifted = rows.first(where: { $0.state == .drifted }) {
            let file = drifted.file ?? "version \(drifted.version)"
            throw MigrationRefusal(
                .drift,
                "\(file) changed after it was applied (applied sha256 \(drifted.appliedSHA256 ?? "?"), "
                    + "file sha256 \(drifted.fileSHA256 ?? "?")): a migration that ran must not change; "
                    + "restore the file and put the change in a new migration")
        }
        if let missing = rows.first(where: { $0.state == .missing }) {
            throw MigrationRefusal(
                .missing,
                "migration \(missing.version) (\(missing.name)) was applied but its file is gone "
                    + "(applied sha256 \(missing.appliedSHA256 ?? "?")); restore it to the directory")
        }
    }
}
