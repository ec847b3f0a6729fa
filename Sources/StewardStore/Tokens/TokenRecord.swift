import Foundation
import GRDB

/// An API token as stored: its id, its user and the SHA-256 of its secret, never the secret itself.
public struct TokenRecord: Sendable, Codable, Equatable {
    /// The row id.
    public var id: Int64
    /// A unique name, the token's public id (`tok_…`, or `admin` for the first token).
    public var name: String
    /// The role the token granted when it was created (v1); a user's roles are in ``UserRecord``.
    public var role: String
    /// The lowercase hex SHA-256 of the token; see ``EventHash/sha256Hex(_:)``.
    public var tokenHash: String
    /// When the token was created, to the millisecond.
    public var createdAt: Date
    /// The user the token belongs to; nil for a token stored without one (it then acts as a user of its own name).
    public var user: String?
    /// When the token stops authenticating; nil when it never expires.
    public var expiresAt: Date?
    /// When the token was revoked; nil while it is valid.
    public var revokedAt: Date?
    /// When the token last authenticated a request (kept to the minute), nil when never.
    public var lastUsedAt: Date?

    /// Creates a record from stored values.
    public init(
        id: Int64, name: String, role: String, tokenHash: String, createdAt: Date, user: String? = nil,
        expiresAt: Date? = nil, revokedAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.user = user
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// The user this token acts for: its user, or its own name for a token stored without one.
    public var userName: String { user ?? name }

    /// Whether the token authenticates at `time`: not revoked and not expired.
    public func isValid(at time: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { time < $0 } ?? true)
    }
}

extension TokenRecord: FetchableRecord, TableRecord {
    /// The table that holds tokens.
    public static var databaseTableName: String { "tokens" }

    /// The columns of the `tokens` table.
    public enum Columns {
        /// `id INTEGER PRIMARY KEY`.
        public static let id = Column("id")
        /// `name TEXT UNIQUE`.
        public static let name = Column("name")
        /// `role TEXT`.
        public static let role = Column("role")
        /// `token_hash TEXT UNIQUE`.
        public static let tokenHash = Column("token_hash")
        /// `created_at INTEGER`: milliseconds since 1970.
        public static let createdAt = Column("created_at")
        /// `user_name TEXT`, nullable.
        public static let user = Column("user_name")
        /// `expires_at INTEGER`, nullable: milliseconds since 1970.
        public static let expiresAt = Column("expires_at")
        /// `revoked_at INTEGER`, nullable: milliseconds since 1970.
        public static let revokedAt = Column("revoked_at")
        /// `last_used_at INTEGER`, nullable: milliseconds since 1970.
        public static let lastUsedAt = Column("last_used_at")
    }

    /// Decodes a row of the `tokens` table.
    public init(row: Row) throws {
        func date(_ column: Column) throws -> Date? {
            try (row.decode(Int64?.self, forColumn: column)).map(EventHash.date(milliseconds:))
        }
        self.init(
            id: try row.decode(forColumn: Columns.id),
            name: try row.decode(forColumn: Columns.name),
            role: try row.decode(forColumn: Columns.role),
            tokenHash: try row.decode(forColumn: Columns.tokenHash),
            createdAt: EventHash.date(milliseconds: try row.decode(forColumn: Columns.createdAt)),
            user: try row.decode(String?.self, forColumn: Columns.user),
            expiresAt: try date(Columns.expiresAt),
            revokedAt: try date(Columns.revokedAt),
            lastUsedAt: try date(Columns.lastUsedAt)
        )
    }
}
