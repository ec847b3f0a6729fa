import Foundation
import GRDB

extension EventLog {
    /// Adds a user and appends the event that records it, in one transaction.
    ///
    /// - Parameters:
    ///   - user: The user to store.
    ///   - event: The `user.added` event, appended in the same transaction.
    /// - Throws: ``StoreError``: ``StoreError/Code/conflict`` when the name is taken.
    public func addUser(_ user: UserRecord, event: NewEvent) throws {
        try perform {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT INTO users (name, roles, created_at) VALUES (?, ?, ?)",
                    arguments: [user.name, user.roles.joined(separator: ","), EventHash.milliseconds(of: user.createdAt)])
                try Self.appendInTransaction(db, [event])
            }
        }
    }

    /// Removes a user, revokes their valid tokens, and appends the event built from the revoked ids.
    ///
    /// - Parameters:
    ///   - name: The user's name.
    ///   - time: When, for the tokens' revocation time.
    ///   - event: Builds the `user.removed` event from the ids of the tokens it revoked (sorted).
    /// - Returns: The ids of the revoked tokens, or nil when there is no such user (nothing is written).
    /// - Throws: ``StoreError``.
    @discardableResult
    public func removeUser(named name: String, at time: Date, event: @escaping ([String]) throws -> NewEvent) throws
        -> [String]?
    {
        let millis = EventHash.milliseconds(of: time)
        return try perform {
            try writer.write { db -> [String]? in
                guard try UserRecord.filter(UserRecord.Columns.name == name).fetchOne(db) != nil else { return nil }
                let revoked = try String.fetchAll(
                    db, sql: "SELECT name FROM tokens WHERE user_name = ? AND revoked_at IS NULL ORDER BY name",
                    arguments: [name])
                try db.execute(
                    sql: "UPDATE tokens SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
                    arguments: [millis, name])
                try db.execute(sql: "DELETE FROM users WHERE name = ?", arguments: [name])
                try Self.appendInTransaction(db, [try event(revoked)])
                return revoked
            }
        }
    }

    /// Every user, by name.
    ///
    /// - Throws: ``StoreError``.
    public func users() throws -> [UserRecord] {
        try perform {
            try writer.read { try UserRecord.order(UserRecord.Columns.name).fetchAll($0) }
        }
    }

    /// The user with this name, or nil.
    ///
    /// - Throws: ``StoreError``.
    public func user(named name: String) throws -> UserRecord? {
        try perform {
            try writer.read { db in
                // Cached: every authenticated request looks its user up (see token(withHash:)).
                let statement = try db.cachedStatement(sql: "SELECT * FROM users WHERE name = ?")
                return try UserRecord.fetchOne(statement, arguments: [name])
            }
        }
    }

    /// Appends events inside a transaction that also changes other tables (see ``append(_:)``).
    static func appendInTransaction(_ db: Database, _ events: [NewEvent]) throws {
        guard var head = try LogHead.fetch(db) else {
            throw StoreError(.corrupted, message: "the log head is missing")
        }
        for event in events {
            let record = EventRecord(sealing: event, seq: head.lastSeq + 1, previousHash: head.lastHash)
            try record.insert(db)
            head = LogHead(lastSeq: record.seq, lastHash: record.hash)
        }
    }
}
