import Foundation
import PostgresNIO

extension PgBackRestDriver {
    /// Checks that `stanza`'s cluster archives WAL to the repository, then runs `pgbackrest check`
    /// (which pushes a WAL segment and waits for it to arrive).
    ///
    /// - Throws: ``BackupError`` (`refused`) naming each missing setting, its value now, the value
    ///   expected and the statements that fix it, when archiving is not configured; (`failed`) with
    ///   pgBackRest's error when its own check fails.
    public func check(_ stanza: String) async throws {
        let gaps = try await archivingGaps(stanza)
        guard gaps.isEmpty else {
            let fix = try archiving(stanza).alterSystemStatements.joined(separator: "; ")
            throw BackupError(
                .refused,
                "WAL archiving is not configured for stanza \(stanza): \(gaps.joined(separator: "; ")). Run \(fix); then restart PostgreSQL")
        }
        _ = try await run(stanza, "check")
    }

    /// What is missing for `stanza`'s cluster to archive WAL to this repository; empty when nothing is.
    ///
    /// Reads `pg_settings` over the cluster's unix socket as the stanza's role.
    public func archivingGaps(_ stanza: String) async throws -> [String] {
        let cluster = try configuration.cluster(stanza)
        let rows = try await BackupSQL.with(
            socketConfiguration(cluster), describedAs: "the cluster of stanza \(stanza) at \(cluster.socketPath)",
            logger: logger, closeAfter: .seconds(60)
        ) { sql in
            try await sql.rows(
                """
                SELECT name::text, setting::text, pending_restart::text FROM pg_settings
                WHERE name IN ('wal_level', 'archive_mode', 'archive_command')
                """)
        }
        var current = [String: PgBackRestArchiving.Current]()
        for row in rows {
            guard let name = row[0] else { continue }
            current[name] = .init(value: row[1] ?? "", pendingRestart: row[2] == "true")
        }
        return try archiving(stanza).gaps(in: current)
    }

    /// A connection to the cluster's unix socket as its role (the password, if any, from memory).
    func socketConfiguration(_ cluster: PgBackRestCluster, port: Int? = nil, socketDirectory: String? = nil)
        -> PostgresConnection.Configuration
    {
        let path = "\(socketDirectory ?? cluster.socketDirectory)/.s.PGSQL.\(port ?? cluster.port)"
        return PostgresConnection.Configuration(
            unixSocketPath: path, username: cluster.user, password: cluster.password, database: "postgres")
    }
}
