/// `backups[].physical`: physical backups and point-in-time recovery of a postgres dependency
/// through pgBackRest (docs/backups.md, "Physical backups and PITR").
///
/// pgBackRest reads the cluster's data directory and is started by the server's `archive_command`,
/// so these are facts about the database host, and `steward backup physical …` runs there. The
/// stanza is named after the dependency. No password: pgBackRest connects over the local socket.
public struct PhysicalBackupSpec: Sendable, Codable, Equatable {
    /// The cluster's live data directory (`pg1-path`).
    public var dataDirectory: String
    /// The local folder holding backups and archived WAL (`repo1-path`).
    public var repository: String
    /// Where Steward writes `pgbackrest.conf`, 0700.
    public var configDirectory: String
    /// The server's port.
    public var port: Int
    /// The directory of the server's unix socket.
    public var socketDirectory: String
    /// The database role pgBackRest connects as.
    public var user: String
    /// The operating-system user that owns the data directory; pgBackRest runs as this user.
    public var systemUser: String
    /// How many full backups `expire` keeps (with everything that depends on them).
    public var retentionFull: Int
    /// How many differential backups `expire` keeps; nil: pgBackRest's default.
    public var retentionDiff: Int?

    public init(
        dataDirectory: String, repository: String, configDirectory: String = "/etc/steward/pgbackrest",
        port: Int = 5432, socketDirectory: String = "/var/run/postgresql", user: String = "postgres",
        systemUser: String = "postgres", retentionFull: Int = 2, retentionDiff: Int? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.repository = repository
        self.configDirectory = configDirectory
        self.port = port
        self.socketDirectory = socketDirectory
        self.user = user
        self.systemUser = systemUser
        self.retentionFull = retentionFull
        self.retentionDiff = retentionDiff
    }
}
