import Foundation
import GRDB

extension EventLog {
    /// Stores a new API token by its hash.
    ///
    /// Recording who created the token is the caller's job, with an event.
    ///
    /// - Parameters:
    ///   - name: A unique, non-empty name.
    ///   - role: The role it grants; must not be empty.
    ///   - tokenHash: The lowercase hex SHA-256 of the token (``EventHash/sha256Hex(_:)``).
    ///   - createdAt: When it was created; defaults to now.
    /// - Returns: The stored token.
    /// - Throws: ``StoreError``: ``StoreError/Code/conflict`` when the name or hash is taken,
    ///   ``StoreError/Code/invalidValue`` when a field is empty or the hash is not 64 hex digits.
    @discardableResult
    public func insertToken(name: String, role: String, tokenHash: String, createdAt: Date = Date()) throws
        -> TokenRecord
    {
        let millis = EventHash.milliseconds(of: createdAt)
        return try perform {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT INTO tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [name, role, tokenHash, millis]
                )
                return TokenRecord(
                    id: db.lastInsertedRowID,
                    name: name,
                    role: role,
                    tokenHash: tokenHash,
                    createdAt: EventHash.date(milliseconds: millis)
                )
            }
        }
    }

    /// Finds the token with a given hash, to authenticate a request.
    ///
    /// - Parameter tokenHash: The lowercase hex SHA-256 of the presented token.
    /// - Returns: The token, or nil when none has this hash.
    /// - Throws: ``StoreError``.
    public func token(withHash tokenHash: String) throws -> TokenRecord? {
        try perform {
            try writer.read { db in
                // A cached statement: every authenticated request runs this lookup, and building
                // and compiling the query each time cost more than running it.
                let statement = try db.cachedStatement(sql: "SELECT * FROM tokens WHERE token_hash = ?")
                return try TokenRecord.fetchOne(statement, arguments: [tokenHash])
            }
        }
    }

    /// The token with this hash and the user it belongs to (nil when no such user exists), read
    /// in one transaction: what authenticating a request needs, in one read instead of two.
    ///
    /// - Throws: ``StoreError``.
    public func tokenAndUser(withHash tokenHash: String) throws -> (token: TokenRecord, user: UserRecord?)? {
        try perform {
            try writer.read { db in
                let tokens = try db.cachedStatement(sql: "SELECT * FROM tokens WHERE token_hash = ?")
                guard let token = try TokenRecord.fetchOne(tokens, arguments: [tokenHash]) else { return nil }
                let users = try db.cachedStatement(sql: "SELECT * FROM users WHERE name = ?")
                return (token, try UserRecord.fetchOne(users, arguments: [token.userName]))
            }
        }
    }

    /// The number of stored tokens; 0 on first start, when the server creates an admin token.
    ///
    /// - Throws: ``StoreError``.
    public func tokenCount() throws -> Int {
        try perform {
            try writer.read { try TokenRecord.fetchCount($0) }
        }
    }

    /// Stores a new token for a user and appends the event that records it, in one transaction.
    ///
    /// - Parameters:
    ///   - id: The token's public id (stored as its name); unique.
    ///   - user: The user it belongs to; must exist.
    ///   - role: The user's roles when it was created, as text (the v1 `role`).
    ///   - tokenHash: The lowercase hex SHA-256 of the token.
    ///   - createdAt: When it was created.
    ///   - expiresAt: When it stops authenticating; nil for never.
    ///   - event: The `token.created` event.
    /// - Returns: The stored token.
    /// - Throws: ``StoreError``: ``StoreError/Code/conflict`` when the id or hash is taken,
    ///   ``StoreError/Code/invalidValue`` when there is no such user.
    @discardableResult
    public func issueToken(
        id: String, user: String, role: String, tokenHash: String, createdAt: Date, expiresAt: Date?, event: NewEvent
    ) throws -> TokenRecord {
        let created = EventHash.milliseconds(of: createdAt)
        let expires = expiresAt.map(EventHash.milliseconds(of:))
        return try perform {
            try writer.write { db in
                guard try UserRecord.filter(UserRecord.Columns.name == user).fetchOne(db) != nil else {
                    throw StoreError(.invalidValue, message: "no user '\(user)'")
                }
                try db.execute(
                    sql: """
                        INSERT INTO tokens (name, role, token_hash, created_at, user_name, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, role, tokenHash, created, user, expires])
                let rowID = db.lastInsertedRowID
                try Self.appendInTransaction(db, [event])
                return TokenRecord(
                    id: rowID, name: id, role: role, tokenHash: tokenHash, createdAt: EventHash.date(milliseconds: created),
                    user: user, expiresAt: expires.map(EventHash.date(milliseconds:)))
            }
        }
    }

    /// Every token, by creation, with their state (never their secret: only hashes are stored).
    ///
    /// - Throws: ``StoreError``.
    public func tokens() throws -> [TokenRecord] {
        try perform {
            try writer.read { try TokenRecord.order(TokenRecord.Columns.id).fetchAll($0) }
        }
    }

    /// Revokes a valid token and appends the event built from it, in one transaction.
    ///
    /// - Parameters:
    ///   - id: The token's id.
    ///   - time: When it was revoked.
    ///   - event: Builds the `token.revoked` event from the token.
    /// - Returns: The token as it was before, or nil when there is no such token (nothing is written).
    /// - Throws: ``StoreError``: ``StoreError/Code/conflict`` when it was already revoked.
    @discardableResult
    public func revokeToken(id: String, at time: Date, event: @escaping (TokenRecord) throws -> NewEvent) throws
        -> TokenRecord?
    {
        let millis = EventHash.milliseconds(of: time)
        return try perform {
            try writer.write { db -> TokenRecord? in
                guard let token = try TokenRecord.filter(TokenRecord.Columns.name == id).fetchOne(db) else { return nil }
                guard token.revokedAt == nil else { throw StoreError(.conflict, message: "token '\(id)' is already revoked") }
                try db.execute(sql: "UPDATE tokens SET revoked_at = ? WHERE id = ?", arguments: [millis, token.id])
                try Self.appendInTransaction(db, [try event(token)])
                return token
            }
        }
    }

    /// Records that a token authenticated a request, at most once a minute per token.
    ///
    /// - Throws: ``StoreError``.
    public func markTokenUsed(_ token: TokenRecord, at time: Date) throws {
        if let last = token.lastUsedAt, time.timeIntervalSince(last) < 60 { return }
        let millis = EventHash.milliseconds(of: time)
        try perform {
            try writer.write { db in
                try db.execute(sql: "UPDATE tokens SET last_used_at = ? WHERE id = ?", arguments: [millis, token.id])
            }
        }
    }
}
