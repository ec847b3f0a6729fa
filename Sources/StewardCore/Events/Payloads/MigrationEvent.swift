import Foundation

/// Payload of ``StewardEvent/migration(_:)``: a schema migration run did something (`migration.*`).
///
/// In the log (v1), subject `migration/DEPENDENCY/ENVIRONMENT`, every payload `{"v":1, "run":ID,
/// "environment":E, "dependency":D, "direction":"up"|"down", "backup":ID?, …}` plus the fields of
/// its type (`docs/events.md`):
/// - `migration.started` — `versions` (what will run, in order), `target`?: written after the
///   plan was made under the lock (and the backup verified), before the first migration runs.
/// - `migration.applied` — `version, name, sha256, durationSeconds`: its transaction committed.
/// - `migration.reverted` — `version, name, durationSeconds`: its down file's transaction committed.
/// - `migration.failed` — `error`, `version`? and `name`? (absent when the run was refused before
///   any migration ran): the failed migration's transaction was rolled back.
/// - `migration.validated` — `passed, failures`: the integrity queries after an `up`.
///
/// `backup` names the verified backup taken before the run, when one was; `deployment` the
/// deployment whose checklist ran it (`deploy.migrate`), when one did. No field holds a URL or a
/// password: errors come from the runner, which redacts URLs.
public struct MigrationEvent: Sendable, Equatable, Codable {
    /// What happened; written as the event type, not in the payload.
    public enum Change: String, Sendable, CaseIterable {
        case started, applied, reverted, failed, validated
    }

    enum CodingKeys: String, CodingKey {
        case v, run, environment, dependency, direction, backup, deployment, versions, target, version, name, sha256
        case durationSeconds, error, passed, failures
    }

    public var change: Change
    /// The run's id (`yyyyMMdd-HHmmss-xxxxxx`): every event of one `up` or `down` shares it.
    public var run: String
    public var environment: String
    public var dependency: String
    public var direction: MigrationFileName.Direction
    /// The verified backup taken before the run, if any.
    public var backup: String?
    /// The deployment whose pre-deployment checklist ran this run, if one did.
    public var deployment: String?
    /// started: the versions that will run, in order.
    public var versions: [Int]?
    /// started: the version asked for (`--to`), if any.
    public var target: Int?
    /// applied, reverted, failed: the migration.
    public var version: Int?
    public var name: String?
    /// applied: the SHA-256 of the up file that ran.
    public var sha256: String?
    public var durationSeconds: Double?
    /// failed: what went wrong.
    public var error: String?
    /// validated: whether every integrity query returned no rows, and those that did not.
    public var passed: Bool?
    public var failures: [String]?

    /// Creates a payload with the fields every `migration.*` event has; set the others after.
    public init(
        _ change: Change, run: String, environment: String, dependency: String, direction: MigrationFileName.Direction
    ) {
        self.change = change
        self.run = run
        self.environment = environment
        self.dependency = dependency
        self.direction = direction
    }

    /// The event type: `migration.started`, `migration.applied`…
    public var type: String { "migration.\(change.rawValue)" }

    /// The subject: `migration/DEPENDENCY/ENVIRONMENT`.
    public var subject: String { "migration/\(dependency)/\(environment)" }

    /// Every `migration.*` type this code reads.
    public static var types: [String] { Change.allCases.map { "migration.\($0.rawValue)" } }

    /// Reads the payload; ``change`` is `.started` until the caller sets it from the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        change = .started
        run = try c.decode(String.self, forKey: .run)
        environment = try c.decode(String.self, forKey: .environment)
        dependency = try c.decode(String.self, forKey: .dependency)
        direction = try c.decode(MigrationFileName.Direction.self, forKey: .direction)
        backup = try c.decodeIfPresent(String.self, forKey: .backup)
        deployment = try c.decodeIfPresent(String.self, forKey: .deployment)
        versions = try c.decodeIfPresent([Int].self, forKey: .versions)
        target = try c.decodeIfPresent(Int.self, forKey: .target)
        version = try c.decodeIfPresent(Int.self, forKey: .version)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        passed = try c.decodeIfPresent(Bool.self, forKey: .passed)
        failures = try c.decodeIfPresent([String].self, forKey: .failures)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        try c.encode(run, forKey: .run)
        try c.encode(environment, forKey: .environment)
        try c.encode(dependency, forKey: .dependency)
        try c.encode(direction, forKey: .direction)
        try c.encodeIfPresent(backup, forKey: .backup)
        try c.encodeIfPresent(deployment, forKey: .deployment)
        try c.encodeIfPresent(versions, forKey: .versions)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encodeIfPresent(version, forKey: .version)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encodeIfPresent(sha256, forKey: .sha256)
        try c.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(passed, forKey: .passed)
        try c.encodeIfPresent(failures, forKey: .failures)
    }
}
