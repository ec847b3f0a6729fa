import Foundation
import Logging
import NIOPosix
import PostgresNIO
import StewardBackup
import StewardCore
import StewardTesting

/// A password-protected PostgreSQL with an empty `shop` database, a migrations directory in a
/// temp dir, a runner, and SQL helpers for the assertions.
struct MigrationFixture: Sendable {
    let postgres: PostgresServer
    let password: String
    let directory: TemporaryDirectory
    let runner: MigrationRunner
    static let logger = Logger(label: "steward.migration.tests")

    static func start(lockTimeout: Duration = .seconds(60)) async throws -> MigrationFixture {
        let password = "pw:\\\(UUID().uuidString)@x"
        let postgres = try await PostgresServer.start(password: password)
        let directory = try TemporaryDirectory(prefix: "steward-migrations")
        let fixture = MigrationFixture(
            postgres: postgres, password: password, directory: directory,
            runner: MigrationRunner(logger: logger, lockTimeout: lockTimeout))
        try await fixture.query("CREATE DATABASE shop", database: "postgres")
        return fixture
    }

    func stop() {
        postgres.stop()
        directory.remove()
    }

    /// The URL of `shop` (with the password).
    var url: String { String(postgres.url.dropLast("postgres".count)) + "shop" }

    /// Writes (or replaces) a migration file.
    func write(_ name: String, _ sql: String) throws {
        try sql.write(toFile: directory.path + "/" + name, atomically: true, encoding: .utf8)
    }

    func remove(_ name: String) throws {
        try FileManager.default.removeItem(atPath: directory.path + "/" + name)
    }

    func load() throws -> MigrationDirectory { try MigrationDirectory.load(directory.path) }

    /// `up` (to `target`) as `actor`.
    func up(to target: Int? = nil) async throws -> [Int] {
        try await runner.run(.init(direction: .up, target: target, actor: "tester"), url: url, directory: try load()).map(\.script.version)
    }

    func down(to target: Int) async throws -> [Int] {
        try await runner.run(.init(direction: .down, target: target, actor: "tester"), url: url, directory: try load()).map(\.script.version)
    }

    /// Every column of every user table as `table.column type`, sorted: the schema to compare.
    func schema() async throws -> [String] {
        try await strings(
            """
            SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY 1
            """)
    }

    /// The first column of every row of `sql`, as text.
    func strings(_ sql: String, database: String = "shop") async throws -> [String] {
        try await withConnection(database) { connection in
            var values = [String]()
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).decode(String.self) {
                values.append(value)
            }
            return values
        }
    }

    func query(_ sql: String, database: String = "shop") async throws {
        try await withConnection(database) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).collect()
        }
    }

    /// A session of its own (the caller closes it): to hold the migration lock from outside.
    func connect(database: String = "shop") async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: "127.0.0.1", port: postgres.port, username: "postgres", password: password, database: database,
                tls: .disable),
            id: Int.random(in: 1...Int.max), logger: Self.logger)
    }

    func withConnection<Value>(_ database: String, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let connection = try await connect(database: database)
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
