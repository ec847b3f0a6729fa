import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The SQL the engine runs itself: snapshots, row counts, creating, renaming and dropping databases.
///
/// Identifiers cannot be bound as parameters, so they go through ``quoted(_:)``; values are bound.
struct BackupSQL {
    let connection: PostgresConnection
    let logger: Logger

    /// Connects to `target`, runs `body`, and closes the connection whatever happens.
    ///
    /// The connection is also closed `closeAfter` from now: a server that stops answering (or
    /// ends the session under a pending query) fails the call instead of hanging it.
    static func with<Value>(
        _ target: PostgresTarget, logger: Logger, closeAfter: Duration = .seconds(3600),
        _ body: (BackupSQL) async throws -> Value
    ) async throws -> Value {
        let configuration = PostgresConnection.Configuration(
            host: target.host, port: target.port, username: target.user, password: target.password,
            database: target.database, tls: .disable)
        return try await with(configuration, describedAs: target.redacted, logger: logger, closeAfter: closeAfter, body)
    }

    /// Connects with `configuration` (TCP or a unix socket), runs `body`, and closes the connection
    /// whatever happens; `description` names the server in errors and never holds a password.
    static func with<Value>(
        _ configuration: PostgresConnection.Configuration, describedAs description: String, logger: Logger,
        closeAfter: Duration = .seconds(3600), _ body: (BackupSQL) async throws -> Value
    ) async throws -> Value {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                id: Int.random(in: 1...Int.max), logger: logger)
        } catch {
            throw BackupError(.failed, "cannot connect to \(description): \(describe(error))")
        }
        let seconds = closeAfter.components.seconds
        let closer = connection.eventLoop.scheduleTask(in: .seconds(seconds)) {
            _ = connection.close() as EventLoopFuture<Void>
        }
        defer { closer.cancel() }
        do {
            let value = try await body(BackupSQL(connection: connection, logger: logger))
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs a statement, discarding any rows.
    func execute(_ sql: String) async throws {
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        } catch {
            throw BackupError(.failed, "\(Self.describe(error)) (in: \(sql))")
        }
    }

    /// The rows of `query`, every cell as text (`::text` casts belong in the query).
    func rows(_ query: PostgresQuery) async throws -> [[String?]] {
        do {
            var result = [[String?]]()
            for try await row in try await connection.query(query, logger: logger) {
                result.append(try row.map { try $0.decode(String?.self) })
            }
            return result
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError(.failed, Self.describe(error))
        }
    }

    /// The first cell of the first row.
    func value(_ query: PostgresQuery) async throws -> String? {
        try await rows(query).first?.first ?? nil
    }

    /// The server's version, e.g. `15.8 (Debian 15.8-1.pgdg120+1)`.
    func serverVersion() async throws -> String {
        try await value("SELECT current_setting('server_version')") ?? "unknown"
    }

    /// Every user table (schemas other than the system ones) with its exact row count, sorted.
    func tableCounts() async throws -> [TableRows] {
        let tables = try await rows(
            """
            SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2
            """)
        var counts = [TableRows]()
        for table in tables {
            let schema = table[0] ?? "", name = table[1] ?? ""
            let count = try await value(
                PostgresQuery(unsafeSQL: "SELECT count(*)::text FROM \(Self.quoted(schema)).\(Self.quoted(name))"))
            counts.append(TableRows(schema: schema, name: name, rows: Int64(count ?? "") ?? -1))
        }
        return counts
    }

    /// How many user relations (tables, views, sequences, …) the database holds: 0 means empty.
    func userRelationCount() async throws -> Int {
        let count = try await value(
            """
            SELECT count(*)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname <> 'information_schema'
              AND n.nspname NOT LIKE 'pg\\_%'
            """)
        return Int(count ?? "") ?? 0
    }

    func databaseExists(_ name: String) async throws -> Bool {
        try await value("SELECT 1::text FROM pg_database WHERE datname = \(name)") != nil
    }

    /// Ends every other session on `database` (they would block a rename or a drop).
    func terminateSessions(on database: String) async throws {
        _ = try await rows(
            """
            SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
            WHERE datname = \(database) AND pid <> pg_backend_pid()
            """)
    }

    /// Ends every other session on `database` and waits (up to `timeout`) until they are gone:
    /// `pg_terminate_backend` only signals, and a rename fails while any session remains.
    func endSessions(on database: String, timeout: Duration = .seconds(15)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            try await terminateSessions(on: database)
            let remaining = try await value(
                "SELECT count(*)::text FROM pg_stat_activity WHERE datname = \(database) AND pid <> pg_backend_pid()")
            if remaining == "0" { return }
            guard clock.now < deadline else {
                throw BackupError(.failed, "\(remaining ?? "some") session(s) on \(database) did not end within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func setAllowConnections(_ database: String, _ allow: Bool) async throws {
        try await execute("ALTER DATABASE \(Self.quoted(database)) WITH ALLOW_CONNECTIONS \(allow)")
    }

    /// Renames a database after closing it to new sessions and ending the current ones.
    func rename(_ database: String, to newName: String) async throws {
        try await execute("ALTER DATABASE \(Self.quoted(database)) RENAME TO \(Self.quoted(newName))")
    }

    /// Drops a database, ending its sessions first (PostgreSQL 13+ `WITH (FORCE)`).
    func drop(_ database: String) async throws {
        try await execute("DROP DATABASE IF EXISTS \(Self.quoted(database)) WITH (FORCE)")
    }

    /// A new, empty database from `template0`, so nothing of `template1` leaks into a restore.
    func create(_ database: String) async throws {
        try await execute("CREATE DATABASE \(Self.quoted(database)) TEMPLATE template0")
    }

    /// An identifier in double quotes, inner quotes doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The server's own message and SQLSTATE when it sent one, else the error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
