import Foundation
import GRDB
import StewardStore

/// A log for one test, plus the raw access an attacker with the database file would have.
final class StoreFixture {
    let log: EventLog
    /// The temporary directory of a file-backed log, removed when the fixture goes away.
    let directory: URL?
    /// The file path of a file-backed log.
    var path: String? { directory?.appendingPathComponent("store/steward.sqlite").path }
    /// The in-memory log's own connection; a memory database cannot be opened twice.
    private let memoryQueue: DatabaseQueue?

    init(_ backend: Backend) throws {
        switch backend {
        case .memory:
            let queue = try DatabaseQueue()
            memoryQueue = queue
            directory = nil
            log = try EventLog(writer: queue)
        case .file:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("steward-store-tests-\(UUID().uuidString)")
            self.directory = directory
            memoryQueue = nil
            // A subdirectory that does not exist yet: `open(path:)` must create it.
            log = try EventLog.open(path: directory.appendingPathComponent("store/steward.sqlite").path)
        }
    }

    deinit {
        if let directory {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Runs raw SQL as an attacker would: through a separate connection to the file when there is one.
    func attack(_ sql: String, arguments: StatementArguments = []) throws {
        try withAttackerConnection { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Drops every trigger, so the attacker can change the tables at will.
    func dropTriggers() throws {
        try withAttackerConnection { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for name in names {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
        }
    }

    private func withAttackerConnection(_ body: (Database) throws -> Void) throws {
        if let memoryQueue {
            try memoryQueue.writeWithoutTransaction(body)
        } else if let path {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction(body)
            try queue.close()
        }
    }
}
