/// What Steward writes into `pgbackrest.conf`: one local repository, its retention, and one stanza
/// per PostgreSQL cluster.
///
/// The file lives in ``directory`` (0700, the file 0600, owned by the clusters' system user),
/// because the server's `archive_command` reads it on every WAL segment. It holds no password.
public struct PgBackRestConfiguration: Sendable, Equatable {
    /// The directory for `pgbackrest.conf`, the pgpass files, pgBackRest's locks and logs. Must not
    /// be shared with anything else; created 0700.
    public var directory: String
    /// The repository: a local folder (`repo1-path`) where backups and archived WAL are kept.
    public var repository: String
    /// How many full backups `expire` keeps (`repo1-retention-full`); older ones go with the
    /// differentials, incrementals and WAL that only they need.
    public var retentionFull: Int
    /// How many differential backups `expire` keeps (`repo1-retention-diff`); `nil`: pgBackRest's default.
    public var retentionDiff: Int?
    /// The clusters, one stanza each.
    public var clusters: [PgBackRestCluster]

    public init(
        directory: String, repository: String, retentionFull: Int = 2, retentionDiff: Int? = nil,
        clusters: [PgBackRestCluster]
    ) {
        self.directory = directory
        self.repository = repository
        self.retentionFull = retentionFull
        self.retentionDiff = retentionDiff
        self.clusters = clusters
    }

    /// `DIRECTORY/pgbackrest.conf`, the file passed as `--config`.
    public var file: String { "\(directory)/pgbackrest.conf" }

    /// The cluster of `stanza`.
    /// - Throws: ``BackupError`` (`invalid`) naming the stanzas there are.
    public func cluster(_ stanza: String) throws -> PgBackRestCluster {
        guard let cluster = clusters.first(where: { $0.stanza == stanza }) else {
            let known = clusters.map(\.stanza).joined(separator: ", ")
            throw BackupError(.invalid, "no pgBackRest stanza '\(stanza)' (configured: \(known.isEmpty ? "none" : known))")
        }
        return cluster
    }

    /// Every reason this configuration cannot be written, in order; empty when it can.
    public var problems: [String] {
        var problems = [String]()
        if let problem = Self.pathProblem(directory) { problems.append("configuration directory \(problem)") }
        if let problem = Self.pathProblem(repository) { problems.append("repository \(problem)") }
        if retentionFull < 1 { problems.append("retention-full is \(retentionFull); expected 1 or more") }
        if let retentionDiff, retentionDiff < 1 { problems.append("retention-diff is \(retentionDiff); expected 1 or more") }
        if clusters.isEmpty { problems.append("no cluster to back up; expected at least one stanza") }
        problems += clusters.compactMap(\.problem)
        if Set(clusters.map { $0.systemUser ?? "" }).count > 1 {
            // One 0700 directory is read by every server's archive_command: they must share an owner.
            problems.append("the clusters run as different system users; expected one configuration per system user")
        }
        var seen = Set<String>()
        for stanza in clusters.map(\.stanza) where !seen.insert(stanza).inserted {
            problems.append("stanza '\(stanza)' is declared twice")
        }
        return problems
    }

    /// The text of `pgbackrest.conf`.
    ///
    /// Console logging is off and errors go to stderr, so `info --output=json` prints only JSON on
    /// stdout and Steward can quote pgBackRest's own error. Backups start with an immediate
    /// checkpoint (`start-fast`), so a backup does not wait for the next scheduled one.
    public var text: String {
        var lines = [
            "# Written by Steward; changes here are overwritten.",
            "[global]",
            "repo1-path=\(repository)",
            "repo1-retention-full=\(retentionFull)",
        ]
        if let retentionDiff { lines.append("repo1-retention-diff=\(retentionDiff)") }
        lines += [
            "lock-path=\(directory)/lock",
            "log-path=\(directory)/log",
            "log-level-console=off",
            "log-level-stderr=warn",
            "log-level-file=off",
            "start-fast=y",
        ]
        for cluster in clusters {
            lines += [
                "",
                "[\(cluster.stanza)]",
                "pg1-path=\(cluster.dataDirectory)",
                "pg1-port=\(cluster.port)",
                "pg1-socket-path=\(cluster.socketDirectory)",
                "pg1-user=\(cluster.user)",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why `path` cannot go into the configuration or a shell command, or `nil`.
    static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "'\(path)' is not an absolute path" }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@,")
        guard path.allSatisfy(allowed.contains) else {
            return "'\(path)' has characters other than letters, digits and / . _ - + @ ,"
        }
        return nil
    }
}
