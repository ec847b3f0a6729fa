import Foundation
import Logging
import NIOCore
import PostgresNIO
import StewardCore

extension Prober {
    /// Connects to the PostgreSQL URL, runs `SELECT 1` and closes the connection.
    func runPostgres(url: String, timeout: TimeSpan) async throws -> String {
        let address = try PostgresAddress(parsing: url)
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        configuration.options.connectTimeout = .milliseconds(timeout.milliseconds)
        let place = "\(HTTPAddress.hostPort(address.host, address.port))/\(address.database ?? address.user)"
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
            // Closed at the deadline even if nobody is waiting any more: a stuck query leaks nothing.
            let closer = connection.eventLoop.scheduleTask(in: .milliseconds(timeout.milliseconds)) {
                _ = connection.close() as EventLoopFuture<Void>
            }
            defer { closer.cancel() }
            do {
                let rows = try await connection.query("SELECT 1", logger: logger)
                for try await _ in rows {}
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
            return "SELECT 1 on \(place)"
        } catch let error as PSQLError {
            throw ProbeFailure(Self.describe(error, place: place, timeout: timeout))
        }
    }

    /// The server's own message when it sent one ("database \"nope\" does not exist"), else the cause.
    static func describe(_ error: PSQLError, place: String, timeout: TimeSpan) -> String {
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return "postgres at \(place): \(message)\(code)"
        }
        if let underlying = error.underlying {
            if let text = ConnectionErrorText.networkText(underlying, timeout: timeout) {
                return "\(text) (postgres at \(place))"
            }
            return "postgres at \(place): \(error.code): \(underlying)"
        }
        return "postgres at \(place): \(error.code)"
    }
}
