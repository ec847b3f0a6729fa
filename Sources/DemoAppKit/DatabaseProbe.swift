import Logging
import PostgresNIO

/// Checks the database for readiness: a fresh connection, `SELECT 1`, close, all within `timeout`.
///
/// A connection per check keeps it simple and honest: every answer reflects whether a new client could
/// connect right now, and no idle connection is left to go stale between probes.
struct DatabaseProbe: Sendable {
    /// Thrown when the check took longer than ``timeout``.
    struct Timeout: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String { "no answer within \(timeout)" }
    }

    /// Where to connect.
    let url: DatabaseURL
    /// The whole check's deadline: connect, authenticate and query.
    var timeout: Duration = .seconds(2)
    /// PostgresNIO's background logging is noise here; the probe reports its own outcome.
    private let logger = Logger(label: "demo-app.database", factory: { _ in SwiftLogNoOpLogHandler() })

    init(url: DatabaseURL, timeout: Duration = .seconds(2)) {
        self.url = url
        self.timeout = timeout
    }

    /// `nil` when the database answered, else a one-line reason.
    func check() async -> String? {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.selectOne() }
                group.addTask {
                    try await Task.sleep(for: self.timeout)
                    throw Timeout(timeout: self.timeout)
                }
                // The first child to finish decides; leaving the group cancels the other.
                try await group.next()
                group.cancelAll()
            }
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    private func selectOne() async throws {
        let configuration = try url.connectionConfiguration(connectTimeout: timeout)
        // Connecting honours cancellation itself.
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            // A query does not: closing the connection on cancellation fails it at once.
            try await withTaskCancellationHandler {
                let rows = try await connection.query("SELECT 1", logger: logger)
                for try await _ in rows {}
            } onCancel: {
                connection.close().whenComplete { _ in }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// PSQLError's `description` is deliberately vague; its reflection carries the code and the server's message.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            var parts = ["\(error.code)"]
            if let message = error.serverInfo?[.message] { parts.append(message) }
            if let underlying = error.underlying { parts.append("\(underlying)") }
            return parts.joined(separator: ": ")
        }
        return "\(error)"
    }
}
