/// One PostgreSQL cluster that pgBackRest backs up under a stanza of its own: where its data
/// directory is, how pgBackRest reaches it (the local unix socket), and as whom.
///
/// pgBackRest reads the data directory itself and is started by the server's `archive_command`,
/// so it must run as the operating-system user that owns the data directory (``systemUser``).
/// The password, when the role needs one, reaches libpq only through a 0600 `PGPASSFILE`: never
/// the configuration file, never argv.
public struct PgBackRestCluster: Sendable, Equatable {
    /// The stanza's name (`[stanza]` in the configuration): letters, digits, `-` and `_`.
    public var stanza: String
    /// The live data directory (`pg1-path`). A restore never writes here.
    public var dataDirectory: String
    /// The server's port (`pg1-port`); also the number in its socket's name.
    public var port: Int
    /// The directory holding the server's unix socket (`pg1-socket-path`).
    public var socketDirectory: String
    /// The database role pgBackRest connects as (`pg1-user`); it needs to be a superuser or hold
    /// the backup functions' grants.
    public var user: String
    /// The role's password, written only to a 0600 pgpass file handed over by `PGPASSFILE`.
    public var password: String?
    /// The operating-system user that owns ``dataDirectory`` and runs the server. When set and
    /// Steward runs as root, pgBackRest and `pg_ctl` run as this user (`runuser -u`). `nil`: as Steward's own user.
    public var systemUser: String?

    public init(
        stanza: String, dataDirectory: String, port: Int = 5432, socketDirectory: String = "/var/run/postgresql",
        user: String = "postgres", password: String? = nil, systemUser: String? = nil
    ) {
        self.stanza = stanza
        self.dataDirectory = dataDirectory
        self.port = port
        self.socketDirectory = socketDirectory
        self.user = user
        self.password = password
        self.systemUser = systemUser
    }

    /// The path of the server's socket file, for Steward's own SQL checks.
    var socketPath: String { "\(socketDirectory)/.s.PGSQL.\(port)" }

    /// Why this cluster cannot be written into a configuration, or `nil` when it can.
    ///
    /// A stanza name and paths end up in an INI file and a shell command (`archive_command`), so
    /// only characters that need no quoting in either are accepted.
    var problem: String? {
        let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        if stanza.isEmpty || !stanza.allSatisfy(nameCharacters.contains) {
            return "stanza '\(stanza)': expected letters, digits, '-' or '_'"
        }
        for (name, path) in [("data directory", dataDirectory), ("socket directory", socketDirectory)] {
            if let problem = PgBackRestConfiguration.pathProblem(path) { return "stanza \(stanza): \(name) \(problem)" }
        }
        if !(1...65535).contains(port) { return "stanza \(stanza): port \(port) is not between 1 and 65535" }
        if user.isEmpty || user.contains(where: { $0.isWhitespace || $0 == "=" }) {
            return "stanza \(stanza): user '\(user)' is not a plain role name"
        }
        return nil
    }
}
