import Foundation
import Logging
import NIOPosix
import PostgresNIO
import StewardBackup
import StewardTesting
import Testing

/// A real PostgreSQL 15 cluster with a password, and a pgBackRest driver whose configuration
/// directory, repository and restore directories sit beside the data directory (all owned by the
/// server's system user, as archive_command needs).
struct PgBackRestFixture: Sendable {
    static let executable = "/usr/bin/pgbackrest"
    static let logger = Logger(label: "steward.pgbackrest.tests")

    let postgres: PostgresServer
    let password: String
    let driver: PgBackRestDriver

    /// Starts the cluster and writes the driver's configuration (stanza `db`); archiving is not set up yet.
    ///
    /// Fails the test, never skips it, when pgBackRest is missing: CI installs it (`.ci/run`).
    static func start(retentionFull: Int = 2) async throws -> PgBackRestFixture {
        try #require(
            FileManager.default.isExecutableFile(atPath: executable),
            "pgbackrest is not installed at \(executable): apt-get install pgbackrest (.ci/run installs it)")
        let password = "pw:\\\(UUID().uuidString)"
        let postgres = try await PostgresServer.start(password: password)
        let cluster = PgBackRestCluster(
            stanza: "db", dataDirectory: postgres.dataDirectory, port: postgres.port,
            socketDirectory: postgres.socketDirectory, user: "postgres", password: password,
            systemUser: postgres.systemUser)
        let configuration = PgBackRestConfiguration(
            directory: postgres.directory + "/pgbackrest", repository: postgres.directory + "/repo",
            retentionFull: retentionFull, clusters: [cluster])
        let driver = PgBackRestDriver(configuration: configuration, logger: logger)
        do {
            try driver.writeConfiguration()
        } catch {
            postgres.stop()
            throw error
        }
        return PgBackRestFixture(postgres: postgres, password: password, driver: driver)
    }

    /// `ALTER SYSTEM` with the driver's archiving settings, then a restart.
    func enableArchiving() async throws {
        for statement in try driver.archiving("db").alterSystemStatements { try await execute(statement) }
        try await postgres.restart()
    }

    /// Stops any restored cluster still running in the fixture's directory, then the server (which deletes the directory).
    func stop() {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: postgres.directory)) ?? []
        for entry in entries where entry.hasPrefix("restored") {
            let data = "\(postgres.directory)/\(entry)"
            guard FileManager.default.fileExists(atPath: "\(data)/postmaster.pid") else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", postgres.systemUser ?? "root", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]
            if postgres.systemUser == nil {
                process.executableURL = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin/pg_ctl")
                process.arguments = ["-D", data, "-m", "immediate", "-w", "stop"]
            }
            try? process.run()
            process.waitUntilExit()
        }
        postgres.stop()
    }

    /// A new directory path beside the data directory (not created) for a restore.
    func restorePath(_ name: String) -> String { "\(postgres.directory)/restored-\(name)" }

    /// Runs each statement in its own transaction (autocommit) on the server at `port` (the live one by default).
    func execute(_ sql: String..., port: Int? = nil) async throws {
        try await withConnection(port: port) { connection in
            for statement in sql {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger).collect()
            }
        }
    }

    /// The first column of the first row of `sql`, as text.
    func value(_ sql: String, port: Int? = nil) async throws -> String? {
        try await withConnection(port: port) { connection in
            var value: String?
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).decode(String?.self) {
                value = row
            }
            return value
        }
    }

    /// `count(*)` of table `items` on the server at `port`.
    func itemCount(port: Int? = nil) async throws -> Int {
        Int(try await value("SELECT count(*)::text FROM items", port: port) ?? "") ?? -1
    }

    /// The server's `now()` (its transaction start, so after every commit that returned before).
    func serverNow() async throws -> Date {
        let text = try await value("SELECT extract(epoch FROM now())::text")
        let epoch = try #require(Double(text ?? ""), "now() as epoch seconds: \(text ?? "nil")")
        return Date(timeIntervalSince1970: epoch)
    }

    private func withConnection<Value>(port: Int?, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: "127.0.0.1", port: port ?? postgres.port, username: "postgres", password: password,
                database: "postgres", tls: .disable),
            id: 1, logger: Self.logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
