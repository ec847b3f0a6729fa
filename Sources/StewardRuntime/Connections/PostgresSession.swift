import Logging
import NIOCore
import PostgresNIO
import StewardCore

/// One PostgreSQL connection, opened for a probe or a runbook step and always closed again.
enum PostgresSession {
    /// Connects to `address` (within `timeout`), runs `body` and closes the connection.
    ///
    /// The connection is also closed `closeAfter` from now whatever happens: a stuck server or a
    /// caller that stopped waiting (``Deadline``) leaks nothing.
    /// - Throws: ``ProbeFailure`` with a sentence for PostgreSQL's errors; other errors as they are.
    static func withConnection<Value>(
        to address: PostgresAddress, timeout: TimeSpan, closeAfter: Duration, eventLoopGroup: any EventLoopGroup,
        logger: Logger, _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password,
            database: address.database, tls: .disable)
        configuration.options.connectTimeout = .milliseconds(max(timeout.milliseconds, 1))
        do {
            let connection = try await PostgresConnection.connect(
                on: eventLoopGroup.next(), configuration: configuration, id: Int.random(in: 1...Int.max), logger: logger)
            let closer = connection.eventLoop.scheduleTask(in: TimeAmount(clamping: closeAfter)) {
                _ = connection.close() as EventLoopFuture<Void>
            }
            defer { closer.cancel() }
            do {
                let value = try await body(connection)
                try? await connection.close()
                return value
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as PSQLError {
            throw ProbeFailure(describe(error, place: place(address), timeout: timeout))
        }
    }

    /// `host:port/database` for messages (the database defaults to the user's name, as PostgreSQL does).
    static func place(_ address: PostgresAddress) -> String {
        "\(HTTPAddress.hostPort(address.host, address.port))/\(address.database ?? address.user)"
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
