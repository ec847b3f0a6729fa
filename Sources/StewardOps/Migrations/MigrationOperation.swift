import Foundation
public import StewardBackup
public import StewardCore

/// The latest migration run of a dependency in an environment, as the API shows it.
///
/// Kept in the control plane's memory only: it is what a client polls while the run goes on
/// (`steward migrate up --wait`). The durable records are the database's history table (what
/// is applied) and the `migration.*` events (who ran what, when, with which backup).
public struct MigrationOperation: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case running, succeeded, failed }

    /// The run's id, shared by its `migration.*` events.
    public var run: String
    public var direction: MigrationFileName.Direction
    public var environment: String
    public var dependency: String
    /// up: the last version to apply (nil: the latest); down: the version to keep.
    public var target: Int?
    public var state: State
    /// What the run does now, or did last: `waiting for the migration lock`, `backing up`, `applying 0002_add_price`…
    public var stage: String
    public var startedBy: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// The versions the run will run, in order, once it planned them under the lock.
    public var planned: [Int]?
    /// The versions applied (up) or reverted (down) so far, in order.
    public var done: [Int]
    /// The verified backup taken before the run, if any.
    public var backup: String?
    /// What went wrong.
    public var error: String?
    /// The integrity queries that did not hold after an up.
    public var validationFailures: [String]?

    public init(
        run: String, direction: MigrationFileName.Direction, environment: String, dependency: String, target: Int?,
        startedBy: String, startedAt: Date
    ) {
        self.run = run
        self.direction = direction
        self.environment = environment
        self.dependency = dependency
        self.target = target
        self.state = .running
        self.stage = "waiting for the migration lock"
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.done = []
    }

    /// A run id (`yyyyMMdd-HHmmss-xxxxxx`, UTC), sortable by time like backup ids.
    static func newID(at date: Date) -> String { BackupManifest.newID(at: date) }
}

/// Where the migrations of a dependency stand in one environment.
public struct MigrationStatusView: Sendable, Codable, Equatable {
    public var dependency: String
    public var environment: String
    /// The directory as the stack declares it.
    public var directory: String
    /// Every migration of the directory and of the history, in version order; empty when the history could not be read.
    public var migrations: [MigrationStatus]
    /// Why the history could not be read (the database is unreachable…); nil when it was.
    public var error: String?
    /// Whether a verified backup is taken before a run changes the database here.
    public var backupFirst: Bool
    /// The run going on, or the last one since the control plane started.
    public var operation: MigrationOperation?
}

/// A migration run the control plane carries out outside the actor.
struct MigrationJob: Sendable {
    var run: String
    var direction: MigrationFileName.Direction
    var target: Int?
    var environment: String
    var dependency: String
    /// The dependency's URL with secrets resolved: for the runner only, never shown.
    var url: String
    var directory: MigrationDirectory
    var backupFirst: Bool
    /// The `backups:` entry's integrity queries: the backup's checks, and the checks after an up.
    var integrityQueries: [String]
    var actor: String
    /// The deployment whose checklist runs it (`deploy.migrate`), named in its events; nil for `steward migrate`.
    var deployment: String?
    /// A verified backup of the database already taken for this run (the deployment's `beforeDeploy`
    /// backup): it stands for the backup ``backupFirst`` asks for, so no second one is taken.
    var backup: String?

    var key: String { "\(dependency)/\(environment)" }
}

/// What a migration run did, for a caller that waits for it (a deployment's checklist).
struct MigrationOutcome: Sendable {
    /// The migrations the run planned under the lock, in order; empty when none was pending or the
    /// run stopped before planning.
    var planned: [MigrationScript]
    /// The versions whose transactions committed, in order.
    var done: [Int]
    /// Why it stopped early (secrets masked); nil when it ran to the end.
    var error: MigrationError?
    /// The integrity queries that did not hold after an up.
    var validationFailures: [String]
}
