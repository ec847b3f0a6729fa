import Foundation
import GRDB

/// An API token as stored: its name, role and the SHA-256 of its secret, never the secret itself.
public struct TokenRecord: Sendable, Codable, Equatable {
    /// The row id.
    public var id: Int64
    /// A unique name for people, such as `admin` or `ci-deployer`.
    public var name: String
    /// The role the token grants, such as `admin`; StewardServer gives roles their meaning.
    public var role: String
    /// The lowercase hex SHA-256 of the token; see ``EventHash/sha256Hex(_:)``.
    public var tokenHash: String
    /// When the token was created, to the millisecond.
    public var createdAt: Date

    /// Creates a record from stored values.
    public init(id: Int64, name: String, role: String, tokenHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.createdAt = createdAt
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
    }

    /// Decodes a row of the `tokens` table.
    public init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: Columns.id),
            name: try row.decode(forColumn: Columns.name),
            role: try row.decode(forColumn: Columns.role),
            tokenHash: try row.decode(forColumn: Columns.tokenHash),
            createdAt: EventHash.date(milliseconds: try row.decode(forColumn: Columns.createdAt))
        )
    }
}
