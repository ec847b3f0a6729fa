import Foundation
import StewardTesting

/// `psql` against a test server as `postgres`, the password in the environment (never in argv).
///
/// `try await psql("SELECT count(*) FROM orders")` answers the statement's output, trimmed; a
/// failing statement throws with psql's error.
struct PSQL: Sendable {
    let port: Int
    let password: String

    func callAsFunction(_ sql: String, database: String = "shop") async throws -> String {
        let result = try await runCommand(
            "/usr/bin/psql",
            ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            environment: ["PGPASSWORD": password])
        guard result.status == 0 else { throw UnexpectedAnswer(description: "psql \(sql): \(result.standardError)") }
        return result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
