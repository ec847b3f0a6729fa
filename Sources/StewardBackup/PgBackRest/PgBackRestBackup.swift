import Foundation

/// One backup in a pgBackRest repository, as `info --output=json` describes it.
public struct PgBackRestBackup: Sendable, Equatable, Codable {
    /// The backup's label, e.g. `20261126-092602F` or `20261126-092602F_20261126-092607D`.
    public var label: String
    public var type: PgBackRestBackupType
    /// When the backup started; pgBackRest records whole seconds.
    public var startTime: Date
    /// When the backup finished (whole seconds, rounded down): the earliest moment it can restore to.
    public var stopTime: Date
    /// The first WAL segment the backup needs to be consistent.
    public var walStart: String
    /// The last WAL segment the backup needs to be consistent.
    public var walStop: String
    /// The size of the cluster as backed up, in bytes.
    public var sizeBytes: Int64
    /// What this backup added to the repository (compressed), in bytes.
    public var repositoryDeltaBytes: Int64
    /// The backup this one was taken on top of (`nil` for a full backup).
    public var prior: String?
    /// Every backup whose files this one reuses: all of them are needed to restore it.
    public var references: [String]

    public init(
        label: String, type: PgBackRestBackupType, startTime: Date, stopTime: Date, walStart: String, walStop: String,
        sizeBytes: Int64, repositoryDeltaBytes: Int64, prior: String?, references: [String]
    ) {
        self.label = label
        self.type = type
        self.startTime = startTime
        self.stopTime = stopTime
        self.walStart = walStart
        self.walStop = walStop
        self.sizeBytes = sizeBytes
        self.repositoryDeltaBytes = repositoryDeltaBytes
        self.prior = prior
        self.references = references
    }

    enum CodingKeys: String, CodingKey {
        case label, type, startTime, stopTime, walStart, walStop, sizeBytes, repositoryDeltaBytes, prior, references
    }
}

/// A stanza's state in the repository: its status, its backups (oldest first) and the archived WAL range.
public struct PgBackRestStanzaInfo: Sendable, Equatable, Codable {
    /// The stanza's name.
    public var name: String
    /// pgBackRest's status code: 0 is "ok", 2 "no valid backups", others are problems.
    public var statusCode: Int
    /// pgBackRest's status message, e.g. `ok` or `no valid backups`.
    public var statusMessage: String
    /// The backups, oldest first.
    public var backups: [PgBackRestBackup]
    /// The oldest archived WAL segment of the current database, `nil` when none is archived.
    public var walMin: String?
    /// The newest archived WAL segment of the current database.
    public var walMax: String?

    public init(
        name: String, statusCode: Int, statusMessage: String, backups: [PgBackRestBackup], walMin: String?,
        walMax: String?
    ) {
        self.name = name
        self.statusCode = statusCode
        self.statusMessage = statusMessage
        self.backups = backups
        self.walMin = walMin
        self.walMax = walMax
    }

    enum CodingKeys: String, CodingKey {
        case name, statusCode, statusMessage, backups, walMin, walMax
    }

    /// The newest backup that finished strictly before `target`, the one a restore to `target` starts from.
    ///
    /// pgBackRest records stop times in whole seconds, rounded down; a backup counts as finished
    /// before `target` only when its stop second has fully passed, so it never picks a backup
    /// that may have ended after the target (recovery could not stop there).
    public func backup(before target: Date) -> PgBackRestBackup? {
        backups.last { $0.stopTime.addingTimeInterval(1) <= target }
    }
}
