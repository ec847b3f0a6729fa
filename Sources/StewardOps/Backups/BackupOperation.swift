import Foundation
public import StewardBackup

/// The latest long operation on one backup (create, verify or restore), as the API shows it.
///
/// Kept in the control plane's memory only: it is what a client polls while the work runs
/// (`steward backup create --wait`). The durable record is the `backup.*` events; after a restart
/// a backup's manifest and verification in the store say what is true.
public struct BackupOperation: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case create, verify, restore }
    public enum State: String, Sendable, Codable { case running, succeeded, failed }

    public var kind: Kind
    public var backup: String
    public var environment: String
    public var dependency: String
    public var state: State
    public var startedBy: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// create: bytes of the artifact written so far (for live progress).
    public var bytes: Int64
    /// What went wrong (failed), or a verification that did not pass.
    public var error: String?
    /// verify (and create with `verify: true`): the outcome of the check.
    public var passed: Bool?
    public var failures: [String]?
    /// restore: the database replaced, the name the old one was kept under, the services stopped for the swap.
    public var target: String?
    public var previousDatabase: String?
    public var stoppedServices: [String]?

    public init(kind: Kind, backup: String, environment: String, dependency: String, startedBy: String, startedAt: Date) {
        self.kind = kind
        self.backup = backup
        self.environment = environment
        self.dependency = dependency
        self.state = .running
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.bytes = 0
    }

    /// Whether `new` differs from `old` in byte counts only (live progress, not a change of state).
    static func onlyBytesMoved(from old: [String: BackupOperation], to new: [String: BackupOperation]) -> Bool {
        guard old.count == new.count else { return false }
        return new.allSatisfy { id, operation in
            guard var before = old[id] else { return false }
            before.bytes = operation.bytes
            return before == operation
        }
    }
}

/// One backup as the API lists and shows it: its manifest, its last verification, and the
/// operation running on it (or that last ran), any of which may be missing.
public struct BackupView: Sendable, Codable, Equatable {
    public var id: String
    public var environment: String
    public var dependency: String
    /// Nil while the backup is being taken (or when taking it failed).
    public var manifest: BackupManifest?
    public var verification: VerificationResult?
    /// True when the last verification passed.
    public var verified: Bool
    public var operation: BackupOperation?
}

/// What prune decided for one backup, and whether it was deleted.
public struct BackupPruneItem: Sendable, Codable, Equatable {
    public var backup: String
    public var environment: String
    public var dependency: String
    public var createdAt: Date
    public var verified: Bool
    public var keep: Bool
    public var reasons: [String]
    /// True when this call deleted it (never in a dry run).
    public var deleted: Bool
}

/// Long backup work the control plane runs outside the actor.
enum BackupJob: Sendable {
    /// Take backup `id` of `url` into `store`, then verify it when `verify` is set.
    case create(store: any BackupStorage, id: String, url: String, environment: String, dependency: String, verify: Bool, integrityQueries: [String], actor: String)
    /// Check backup `id` by restoring it into a scratch database on the server of `url`.
    case verify(store: any BackupStorage, id: String, url: String, integrityQueries: [String], actor: String)
    /// Restore backup `id` into `targetURL`, stopping `services` of the environment for the swap.
    case restore(store: any BackupStorage, id: String, targetURL: String, target: String, force: Bool, integrityQueries: [String], services: [String], actor: String)
}

extension BackupJob {
    /// Where the job's backup is kept.
    var store: any BackupStorage {
        switch self {
        case .create(let store, _, _, _, _, _, _, _), .verify(let store, _, _, _, _), .restore(let store, _, _, _, _, _, _, _):
            store
        }
    }
}
