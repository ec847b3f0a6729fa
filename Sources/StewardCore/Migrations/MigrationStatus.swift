import Foundation

/// Where one migration stands: its file against the database's history.
public struct MigrationStatus: Sendable, Equatable, Codable {
    /// The four states a migration can be in.
    public enum State: String, Sendable, Codable {
        /// In the history, and its up file is unchanged.
        case applied
        /// Its file is there, the history does not have it.
        case pending
        /// In the history, but the up file's bytes changed since it ran.
        case drifted
        /// In the history, but no file has its version any more.
        case missing
    }

    public var version: Int
    public var name: String
    public var state: State
    /// The up file's name, when the file is there.
    public var file: String?
    /// The up file's SHA-256 now, when the file is there.
    public var fileSHA256: String?
    /// The SHA-256 recorded when it was applied, when it was.
    public var appliedSHA256: String?
    public var appliedAt: Date?
    /// Whether a down file can revert it.
    public var reversible: Bool

    public init(
        version: Int, name: String, state: State, file: String? = nil, fileSHA256: String? = nil,
        appliedSHA256: String? = nil, appliedAt: Date? = nil, reversible: Bool = false
    ) {
        self.version = version
        self.name = name
        self.state = state
        self.file = file
        self.fileSHA256 = fileSHA256
        self.appliedSHA256 = appliedSHA256
        self.appliedAt = appliedAt
        self.reversible = reversible
    }
}

extension MigrationCatalog {
    /// Every migration of the directory and of the history, in version order, with its state.
    ///
    /// A history row whose version has a file is `applied` when the file's checksum matches
    /// what was recorded, else `drifted` (a rename alone is not drift); one without a file is `missing`; a file the
    /// history lacks is `pending`.
    public func status(history: [AppliedMigration]) -> [MigrationStatus] {
        let applied = Dictionary(history.map { ($0.version, $0) }, uniquingKeysWith: { first, _ in first })
        var rows = migrations.map { script -> MigrationStatus in
            var row = MigrationStatus(
                version: script.version, name: script.name, state: .pending, file: script.upFile, fileSHA256: script.sha256,
                reversible: script.downFile != nil)
            if let record = applied[script.version] {
                row.appliedSHA256 = record.sha256
                row.appliedAt = record.appliedAt
                row.state = record.sha256 == script.sha256 ? .applied : .drifted
            }
            return row
        }
        for record in history where migration(record.version) == nil {
            rows.append(
                MigrationStatus(
                    version: record.version, name: record.name, state: .missing, appliedSHA256: record.sha256,
                    appliedAt: record.appliedAt))
        }
        return rows.sorted { $0.version < $1.version }
    }
}
