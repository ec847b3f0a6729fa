import Foundation
import GRDB

/// The durable, hash-chained event log of Steward, and the few tables kept beside it.
///
/// Every change Steward makes is an event appended here before its effects run. Each event carries
/// the SHA-256 of the one before it (see ``EventHash``), so ``verify()`` can tell when rows were
/// edited, removed or inserted behind Steward's back. The schema itself refuses to update or delete
/// events and only accepts new ones at the end of the chain.
///
/// Open one `EventLog` per database file for the life of the process: ``open(path:)`` uses a
/// `DatabasePool` in WAL mode, and ``inMemory()`` suits tests.
///
/// ```swift
/// let log = try EventLog.open(path: "/var/lib/steward/steward.sqlite")
/// try log.append([NewEvent(type: "deployment.started", subject: "deployment/12",
///                          actor: "alice", time: now, payload: json)])
/// let report = try log.verify()
/// ```
///
/// Every method is synchronous and blocks while SQLite works; every error it throws is a ``StoreError``.
///
/// ## Topics
///
/// ### Opening
/// - ``open(path:)``
/// - ``inMemory()``
/// - ``init(writer:)``
///
/// ### Writing and reading events
/// - ``append(_:)``
/// - ``events(after:limit:typePrefix:subjectPrefix:)``
/// - ``latestEvents(limit:typePrefix:subjectPrefix:)``
/// - ``lastSequence()``
/// - ``allEvents()``
///
/// ### Loading the state
/// - ``loadState()``
/// - ``appendCheckpoint(_:covering:hash:time:)``
/// - ``checkpointInterval``
///
/// ### Auditing
/// - ``verify()``
///
/// ### Tokens and settings
/// - ``insertToken(name:role:tokenHash:createdAt:)``
/// - ``token(withHash:)``
/// - ``tokenCount()``
/// - ``setting(_:)``
/// - ``setSetting(_:_:)``
public final class EventLog: Sendable {
    /// The single connection (queue or pool) to the database.
    let writer: any DatabaseWriter

    /// How long a write waits for another process's lock before failing.
    static let busyTimeout: TimeInterval = 5

    /// Opens the log stored at `path`, creating the file and its directories if needed.
    ///
    /// The file is opened in WAL mode with `synchronous = FULL`, so an appended event survives a
    /// power loss as soon as ``append(_:)`` returns (docs/design.md, rule 2 "Write ahead"). Pending migrations run.
    ///
    /// - Parameter path: The database file's path.
    /// - Returns: The open log.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/openFailed``.
    public static func open(path: String) throws -> EventLog {
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(busyTimeout)
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB's WAL default is NORMAL, which may lose the last commits on power loss.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            return try EventLog(writer: pool)
        } catch {
            throw Self.openError(error)
        }
    }

    /// Opens a new, empty log in memory, for tests.
    ///
    /// - Returns: The open log.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/openFailed``.
    public static func inMemory() throws -> EventLog {
        do {
            return try EventLog(writer: DatabaseQueue())
        } catch {
            throw Self.openError(error)
        }
    }

    /// Wraps a connection the caller opened, running pending migrations.
    ///
    /// Use it to choose the GRDB configuration yourself. The caller must not open a second
    /// connection to the same file.
    ///
    /// - Parameter writer: A `DatabaseQueue` or `DatabasePool`.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/openFailed``, also when the file was
    ///   migrated by a newer Steward whose schema this one does not know.
    public init(writer: some DatabaseWriter) throws {
        self.writer = writer
        do {
            let migrator = StoreMigrations.migrator
            if try writer.read({ try migrator.hasBeenSuperseded($0) }) {
                throw StoreError(.openFailed, message: "the database was written by a newer version of Steward")
            }
            try migrator.migrate(writer)
        } catch {
            throw Self.openError(error)
        }
    }

    /// The migrations this version of Steward knows, in order (such as `v1-events`).
    public static var knownMigrations: [String] {
        StoreMigrations.migrator.migrations
    }

    /// The migrations applied to this database, in order.
    ///
    /// - Throws: ``StoreError``.
    public func appliedMigrations() throws -> [String] {
        try perform {
            try writer.read { try StoreMigrations.migrator.appliedMigrations($0) }
        }
    }

    /// Runs a database access and turns any failure into a ``StoreError`` that names the caller.
    func perform<T>(file: String = #fileID, line: Int = #line, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StoreError.wrapping(error, file: file, line: line)
        }
    }

    private static func openError(_ error: any Error, file: String = #fileID, line: Int = #line) -> StoreError {
        if let error = error as? StoreError, error.code == .openFailed {
            return error
        }
        let message = (error as? DatabaseError)?.message ?? (error as? StoreError)?.message
        return StoreError(.openFailed, message: message, underlying: error, file: file, line: line)
    }
}
