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
                try TokenRecord.filter(TokenRecord.Columns.tokenHash == tokenHash).fetchOne(db)
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
}
