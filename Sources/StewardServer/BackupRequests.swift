import Foundation
import StewardOps

/// Body of `POST /api/v1/backups`.
struct BackupCreateRequest: Decodable, Sendable {
    var dependency: String
    var environment: String
}

/// Body of `POST /api/v1/backups/{id}/restore`.
struct BackupRestoreRequest: Decodable, Sendable {
    /// Replace a target that holds tables.
    var force: Bool?
    /// Restore into this database on the same server instead of the dependency's own.
    var database: String?
}

/// Body of `POST /api/v1/backups/prune`.
struct BackupPruneRequest: Decodable, Sendable {
    var environment: String
    var dryRun: Bool?
}

/// Answer to a prune: every backup of the environment with the decision and its reasons.
struct BackupPruneAnswer: Encodable, Sendable {
    var environment: String
    var dryRun: Bool
    var deleted: Int
    var items: [BackupPruneItem]
}
