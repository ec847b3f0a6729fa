import Logging
import NIOCore
import PostgresNIO
import StewardCore
import Synchronization

extension RunbookStepRunner {
    /// How much later than the timeout the connection is cut off: PostgreSQL's own statement
    /// timeout fires first and says so ("canceling statement due to statement timeout"); the
    /// cut-off is the backstop for a server that does not answer at all, with room for a busy host.
    static let sqlCutOffSlack: Duration = .seconds(3)

    /// Runs SQL statements against a `postgres://` URL and reports the last one's result.
    ///
    /// Several statements run in one transaction (all or nothing: a failure rolls back the ones
    /// before it); a single one runs as it is. Each runs with `statement_timeout` set to what is
    /// left of `timeout`. Every statement is sent on its own (extended protocol), so one string
    /// never smuggles in a second command.
    ///
    /// - Returns: of the last statement, `rows` (returned, or affected from the command tag),
    ///   `value` (first column of the first row as text, nil for none or NULL) and `output`: its
    ///   rows as a psql-like aligned table (column names header, NULL shown empty) followed by the
    ///   command tag line, e.g. "DELETE 3". Errors carry PostgreSQL's message and, with several
    ///   statements, which one failed; a statement timeout reads "canceled: statement timeout after 2s".
    public func sql(url: String, statements: [String], timeout: Duration) async -> RunbookStepResult {
        let timeout = Self.limited(timeout)
        let address: PostgresAddress
        do {
            address = try PostgresAddress(parsing: url)
        } catch {
            return .failure("\(error)")
        }
        guard !statements.isEmpty else { return .failure("no SQL statement to run") }
        if let blank = statements.firstIndex(where: { $0.allSatisfy(\.isWhitespace) }) {
            return .failure("SQL statement \(blank + 1) of \(statements.count) is empty")
        }
        let deadline = ContinuousClock.now + timeout
        let limit = timeout + Self.sqlCutOffSlack
        let (group, logger) = (eventLoopGroup, logger)
        let what = "postgres \(URLText.redactingPassword(url))"
        return await Self.bounded(limit, reportedAs: Self.span(timeout), describing: what) {
            try await PostgresSession.withConnection(
                to: address, timeout: Self.span(timeout), closeAfter: limit + .milliseconds(100), eventLoopGroup: group,
                logger: logger
            ) { connection in
                try await SQLStatements(
                    connection: connection, logger: logger, place: PostgresSession.place(address), timeout: timeout,
                    deadline: deadline
                ).run(statements)
            }
        }
    }
}

/// Statements run in order on one connection, in a transaction when there are several.
private struct SQLStatements {
    let connection: PostgresConnection
    let logger: Logger
    let place: String
    let timeout: Duration
    let deadline: ContinuousClock.Instant

    func run(_ statements: [String]) async throws -> RunbookStepResult {
        let inTransaction = statements.count > 1
        if inTransaction { _ = try await execute("BEGIN") }
        var last: (table: SQLResultTable, tag: String, rows: Int?)?
        for (index, statement) in statements.enumerated() {
            do {
                // What is left of the step's time, within what PostgreSQL accepts (a 32-bit count of ms).
                let remaining = min(max((deadline - ContinuousClock.now) / .milliseconds(1), 1), Double(Int32.max))
                _ = try await execute("SET statement_timeout = \(Int(remaining.rounded(.up)))")
                last = try await execute(statement)
            } catch let error as PSQLError {
                if inTransaction { _ = try? await execute("ROLLBACK") }
                let which = inTransaction ? "statement \(index + 1) of \(statements.count)" : nil
                return .failure(describe(error, statement: which, rolledBack: inTransaction))
            }
        }
        if inTransaction {
            do {
                _ = try await execute("COMMIT")
            } catch let error as PSQLError {
                _ = try? await execute("ROLLBACK")
                return .failure(describe(error, statement: "COMMIT", rolledBack: true))
            }
        }
        guard let last else { return .failure("no SQL statement to run") }
        return RunbookStepResult(
            succeeded: true, rows: last.rows, value: last.table.firstValue, output: last.table.rendered(tag: last.tag))
    }

    /// Runs one statement and collects its rows.
    private func execute(_ statement: String) async throws -> (table: SQLResultTable, tag: String, rows: Int?) {
        let collector = RowCollector()
        let metadata = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) { row in
            collector.add(row)
        }.get()
        let table = collector.table
        let tag: String
        if metadata.command == "INSERT" {
            tag = "INSERT \(metadata.oid ?? 0) \(metadata.rows ?? 0)"
        } else {
            tag = metadata.rows.map { "\(metadata.command) \($0)" } ?? metadata.command
        }
        // Tags PostgresNIO does not parse ("MERGE 2") still end in their count.
        let tagCount = tag.hasPrefix("MERGE ") ? tag.split(separator: " ").last.flatMap { Int($0) } : nil
        return (table, tag, metadata.rows ?? tagCount ?? (table.count > 0 ? table.count : nil))
    }

    /// One line for a failed statement: PostgreSQL's message, which statement, and the rollback.
    private func describe(_ error: PSQLError, statement: String?, rolledBack: Bool) -> String {
        var text: String
        let message = error.serverInfo?[.message] ?? ""
        if error.serverInfo?[.sqlState] == "57014", message.contains("statement timeout") {
            text = "canceled: statement timeout after \(RunbookStepRunner.span(timeout))"
        } else if error.serverInfo?[.sqlState] == "57014" {
            text = "canceled: \(message)"
        } else {
            text = PostgresSession.describe(error, place: place, timeout: RunbookStepRunner.span(timeout))
        }
        var notes: [String] = []
        if let statement { notes.append("in \(statement)") }
        if rolledBack { notes.append("the transaction was rolled back") }
        if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
        return text
    }
}

/// Rows arriving on the connection's event loop, gathered for the caller.
private final class RowCollector: Sendable {
    private let state = Mutex(SQLResultTable())

    func add(_ row: PostgresRow) { state.withLock { $0.add(row) } }

    var table: SQLResultTable { state.withLock { $0 } }
}
