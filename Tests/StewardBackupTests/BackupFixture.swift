import Foundation
import Logging
import NIOPosix
import PostgresNIO
import StewardBackup
import StewardTesting

/// A password-protected PostgreSQL with a small shop database (customers, orders, order items
/// with foreign keys), a backup store in a temp dir, and SQL helpers for the assertions.
struct BackupFixture: Sendable {
    let postgres: PostgresServer
    let password: String
    let storeDirectory: TemporaryDirectory
    /// The folder store the engine keeps its backups in.
    let store: BackupStore
    let engine: BackupEngine
    static let logger = Logger(label: "steward.backup.tests")

    /// The orphan checks the guides run after a restore: each must return no rows.
    static let orphanChecks = [
        "SELECT o.id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL",
        "SELECT i.id FROM order_items i LEFT JOIN orders o ON o.id = i.order_id WHERE o.id IS NULL",
    ]

    static func start() async throws -> BackupFixture {
        // ":" and "\\" must be escaped in a pgpass line, "@" and ":" in a URL: all three are in it.
        let password = "pw:\\\(UUID().uuidString)@x"
        let postgres = try await PostgresServer.start(password: password)
        let store = try TemporaryDirectory(prefix: "steward-backup-store")
        let backups = try BackupStore(directory: store.path + "/backups")
        let engine = BackupEngine(store: backups, logger: logger)
        let fixture = BackupFixture(
            postgres: postgres, password: password, storeDirectory: store, store: backups, engine: engine)
        try await fixture.execute("CREATE DATABASE shop")
        try await fixture.execute(
            """
            CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);
            CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), note text);
            CREATE TABLE order_items (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders(id), sku text);
            CREATE TABLE audit_empty (id int);
            INSERT INTO customers SELECT i, md5(i::text) || '@example.com' FROM generate_series(1, 1500) i;
            INSERT INTO orders SELECT i, 1 + i % 1500, md5('order' || i) || md5('note' || i) FROM generate_series(1, 4000) i;
            INSERT INTO order_items (order_id, sku) SELECT 1 + i % 4000, md5('sku' || i) FROM generate_series(1, 9000) i;
            """, database: "shop")
        return fixture
    }

    func stop() {
        postgres.stop()
        storeDirectory.remove()
    }

    /// The server's URL for `database` (with the password).
    func url(_ database: String = "postgres") -> String {
        String(postgres.url.dropLast("postgres".count)) + database
    }

    /// Runs statements (separated by `;` in one simple query string, split here) in `database`.
    func execute(_ sql: String, database: String = "postgres") async throws {
        try await withConnection(database) { connection in
            for statement in sql.split(separator: ";\n").map({ String($0) }) where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger).collect()
            }
        }
    }

    /// `table -> count(*)` for the shop's tables in `database`.
    func counts(_ database: String) async throws -> [String: Int] {
        try await withConnection(database) { connection in
            var counts = [String: Int]()
            for table in ["customers", "orders", "order_items", "audit_empty"] {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: Self.logger)
                for try await count in rows.decode(Int.self) { counts[table] = count }
            }
            return counts
        }
    }

    /// The value of a `SELECT count(*) …` in `database`.
    func count(_ sql: String, database: String) async throws -> Int {
        try await withConnection(database) { connection in
            var value = -1
            for try await count in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).decode(Int.self) {
                value = count
            }
            return value
        }
    }

    /// The databases on the server, sorted.
    func databases() async throws -> [String] {
        try await withConnection("postgres") { connection in
            var names = [String]()
            let rows = try await connection.query("SELECT datname FROM pg_database ORDER BY 1", logger: Self.logger)
            for try await name in rows.decode(String.self) { names.append(name) }
            return names
        }
    }

    private func withConnection<Value>(_ database: String, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: "127.0.0.1", port: postgres.port, username: "postgres", password: password, database: database,
                tls: .disable),
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
