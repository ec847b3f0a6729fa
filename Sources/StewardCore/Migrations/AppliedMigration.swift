import Foundation

/// One row of a database's migration history (`steward_schema_migrations`): a migration that
/// was applied and not reverted since.
public struct AppliedMigration: Sendable, Equatable, Codable {
    public var version: Int
    public var name: String
    /// The SHA-256 of the up file that ran.
    public var sha256: String
    public var appliedAt: Date

    public init(version: Int, name: String, sha256: String, appliedAt: Date) {
        self.version = version
        self.name = name
        self.sha256 = sha256
        self.appliedAt = appliedAt
    }
}
