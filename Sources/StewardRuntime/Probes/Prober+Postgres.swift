import PostgresNIO
import StewardCore

extension Prober {
    /// Connects to the PostgreSQL URL, runs `SELECT 1` and closes the connection.
    func runPostgres(url: String, timeout: TimeSpan) async throws -> String {
        let address = try PostgresAddress(parsing: url)
        return try await PostgresSession.withConnection(
            to: address, timeout: timeout, closeAfter: timeout.duration, eventLoopGroup: eventLoopGroup, logger: logger
        ) { connection in
            let rows = try await connection.query("SELECT 1", logger: logger)
            for try await _ in rows {}
            return "SELECT 1 on \(PostgresSession.place(address))"
        }
    }
}
