import Foundation

/// Payload of ``StewardEvent/backup(_:)``: something happened to a backup (`backup.*`).
///
/// In the log (v1), subject `backup/ID`, every payload `{"v":1, "backup":ID, "environment":E,
/// "dependency":D, …}` plus the fields of its type (`docs/events.md`):
/// - `backup.started` — `deployment?`: written before `pg_dump` runs.
/// - `backup.created` — `database, sizeBytes, sha256, durationSeconds, tables` (the count of tables).
/// - `backup.failed` — `error`.
/// - `backup.verify-started` — written before the scratch database of a verification is created.
/// - `backup.verified` — `passed, failures, durationSeconds`.
/// - `backup.restore-started` — `target` (the database replaced), `force`: written before anything is stopped.
/// - `backup.restored` — `target, previousDatabase?`.
/// - `backup.restore-failed` — `target, error`.
/// - `backup.pruned` — `reasons`: written before the backup's files are deleted.
///
/// No field ever holds a password: URLs are not recorded at all, only database names, and error
/// messages come from the engine, which redacts URLs.
public struct BackupEvent: Sendable, Equatable, Codable {
    /// What happened; written as the event type, not in the payload.
    public enum Change: String, Sendable, CaseIterable {
        case started, created, failed, verified
        case verifyStarted = "verify-started"
        case restoreStarted = "restore-started"
        case restored
        case restoreFailed = "restore-failed"
        case pruned
    }

    enum CodingKeys: String, CodingKey {
        case v, backup, environment, dependency, deployment, database, sizeBytes, sha256, durationSeconds, tables
        case error, passed, failures, target, force, previousDatabase, reasons
    }

    public var change: Change
    /// The backup's id (`yyyyMMdd-HHmmss-xxxxxx`).
    public var backup: String
    public var environment: String
    public var dependency: String
    /// started: the deployment the backup is taken before.
    public var deployment: String?
    /// created: the database dumped.
    public var database: String?
    /// created: the artifact's size and SHA-256.
    public var sizeBytes: Int64?
    public var sha256: String?
    /// created, verified: how long it took.
    public var durationSeconds: Double?
    /// created: how many user tables were counted.
    public var tables: Int?
    /// failed, restore-failed: what went wrong (no password: the engine redacts URLs).
    public var error: String?
    /// verified: whether every check held, and the ones that did not.
    public var passed: Bool?
    public var failures: [String]?
    /// restore-*: the database the backup replaces.
    public var target: String?
    /// restore-started: whether a target holding tables may be replaced.
    public var force: Bool?
    /// restored: the name the replaced database was kept under.
    public var previousDatabase: String?
    /// pruned: why retention let it go.
    public var reasons: [String]?

    /// Creates a payload with the fields every `backup.*` event has; set the others after.
    public init(_ change: Change, backup: String, environment: String, dependency: String) {
        self.change = change
        self.backup = backup
        self.environment = environment
        self.dependency = dependency
    }

    /// The event type: `backup.started`, `backup.created`…
    public var type: String { "backup.\(change.rawValue)" }

    /// The subject: `backup/ID`.
    public var subject: String { "backup/\(backup)" }

    /// Every `backup.*` type this code reads.
    public static var types: [String] { Change.allCases.map { "backup.\($0.rawValue)" } }

    /// Reads the payload; ``change`` is `.started` until the caller sets it from the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        change = .started
        backup = try c.decode(String.self, forKey: .backup)
        environment = try c.decode(String.self, forKey: .environment)
        dependency = try c.decode(String.self, forKey: .dependency)
        deployment = try c.decodeIfPresent(String.self, forKey: .deployment)
        database = try c.decodeIfPresent(String.self, forKey: .database)
        sizeBytes = try c.decodeIfPresent(Int64.self, forKey: .sizeBytes)
        sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
        tables = try c.decodeIfPresent(Int.self, forKey: .tables)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        passed = try c.decodeIfPresent(Bool.self, forKey: .passed)
        failures = try c.decodeIfPresent([String].self, forKey: .failures)
        target = try c.decodeIfPresent(String.self, forKey: .target)
        force = try c.decodeIfPresent(Bool.self, forKey: .force)
        previousDatabase = try c.decodeIfPresent(String.self, forKey: .previousDatabase)
        reasons = try c.decodeIfPresent([String].self, forKey: .reasons)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        try c.encode(backup, forKey: .backup)
        try c.encode(environment, forKey: .environment)
        try c.encode(dependency, forKey: .dependency)
        try c.encodeIfPresent(deployment, forKey: .deployment)
        try c.encodeIfPresent(database, forKey: .database)
        try c.encodeIfPresent(sizeBytes, forKey: .sizeBytes)
        try c.encodeIfPresent(sha256, forKey: .sha256)
        try c.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(tables, forKey: .tables)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(passed, forKey: .passed)
        try c.encodeIfPresent(failures, forKey: .failures)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encodeIfPresent(force, forKey: .force)
        try c.encodeIfPresent(previousDatabase, forKey: .previousDatabase)
        try c.encodeIfPresent(reasons, forKey: .reasons)
    }
}
