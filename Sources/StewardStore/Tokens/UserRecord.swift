import Foundation
import GRDB

/// A user as stored: a name and the roles granted, as written (`ROLE` or `ROLE@ENV`).
///
/// StewardServer gives roles their meaning; the store keeps them as text.
public struct UserRecord: Sendable, Codable, Equatable {
    /// The unique name; events caused by the user carry it as their actor.
    public var name: String
    /// The grants, such as `deployer@staging` and `viewer`, sorted.
    public var roles: [String]
    /// When the user was added, to the millisecond.
    public var createdAt: Date

    /// Creates a record.
    public init(name: String, roles: [String], createdAt: Date) {
        self.name = name
        self.roles = roles.sorted()
        self.createdAt = createdAt
    }
}

extension UserRecord: FetchableRecord, TableRecord {
    /// The table that holds users.
    public static var databaseTableName: String { "users" }

    /// The columns of the `users` table.
    public enum Columns {
        /// `name TEXT PRIMARY KEY`.
        public static let name = Column("name")
        /// `roles TEXT`: the grants separated by commas.
        public static let roles = Column("roles")
        /// `created_at INTEGER`: milliseconds since 1970.
        public static let createdAt = Column("created_at")
    }

    /// Decodes a row of the `users` table.
    public init(row: Row) throws {
        let roles: String = try row.decode(forColumn: Columns.roles)
        self.init(
            name: try row.decode(forColumn: Columns.name),
            roles: roles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            createdAt: EventHash.date(milliseconds: try row.decode(forColumn: Columns.createdAt)))
    }
}
