import Foundation

/// Payload of ``StewardEvent/drill(_:)``: a disaster-recovery drill started, completed or failed (`drill.*`).
///
/// In the log (v1), subject `drill/ID`, every payload `{"v":1, "drill":ID, "environment":E, …}` plus
/// the fields of its type (`docs/events.md`):
/// - `drill.started` — `backups` (`DEPENDENCY: BACKUP_ID`), `cluster` (the scratch cluster's
///   directory), `instances` (the drill instances' ids): written before anything is created, so a
///   control plane that restarts finds and removes what an interrupted drill left.
/// - `drill.completed` — `rtoSeconds, rpoSeconds, outcome` (`met`, `missed`, `not-declared`),
///   `rto?, rpo?` (the objectives, `4h`), `rtoMet?, rpoMet?`, `report` (the Markdown file).
/// - `drill.failed` — `error, stage?, report?`; also written for a drill a restart interrupted.
///
/// No field ever holds a URL or a password: the scratch cluster's password lives only in the job.
public struct DrillEvent: Sendable, Equatable, Codable {
    /// What happened; written as the event type, not in the payload.
    public enum Change: String, Sendable, CaseIterable {
        case started, completed, failed
    }

    enum CodingKeys: String, CodingKey {
        case v, drill, environment, backups, cluster, instances, rtoSeconds, rpoSeconds, outcome, rto, rpo, rtoMet, rpoMet
        case report, error, stage
    }

    public var change: Change
    /// The drill's id (`yyyyMMdd-HHmmss-xxxxxx`).
    public var drill: String
    public var environment: String
    /// started: the backup restored for each postgres dependency.
    public var backups: [String: String]?
    /// started: the scratch cluster's directory (removed by the teardown).
    public var cluster: String?
    /// started: the ids of the drill instances it will start.
    public var instances: [String]?
    /// completed: the figures.
    public var rtoSeconds: Double?
    public var rpoSeconds: Double?
    /// completed: `met`, `missed` or `not-declared`.
    public var outcome: DrillVerdict.Outcome?
    /// completed: the objectives, when declared.
    public var rto: TimeSpan?
    public var rpo: TimeSpan?
    public var rtoMet: Bool?
    public var rpoMet: Bool?
    /// completed, failed: the Markdown report's path.
    public var report: String?
    /// failed: what went wrong, and at which stage.
    public var error: String?
    public var stage: String?

    /// Creates a payload with the fields every `drill.*` event has; set the others after.
    public init(_ change: Change, drill: String, environment: String) {
        self.change = change
        self.drill = drill
        self.environment = environment
    }

    /// The event type: `drill.started`, `drill.completed`, `drill.failed`.
    public var type: String { "drill.\(change.rawValue)" }

    /// The subject: `drill/ID`.
    public var subject: String { "drill/\(drill)" }

    /// Every `drill.*` type this code reads.
    public static var types: [String] { Change.allCases.map { "drill.\($0.rawValue)" } }

    /// Reads the payload; ``change`` is `.started` until the caller sets it from the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        change = .started
        drill = try c.decode(String.self, forKey: .drill)
        environment = try c.decode(String.self, forKey: .environment)
        backups = try c.decodeIfPresent([String: String].self, forKey: .backups)
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        instances = try c.decodeIfPresent([String].self, forKey: .instances)
        rtoSeconds = try c.decodeIfPresent(Double.self, forKey: .rtoSeconds)
        rpoSeconds = try c.decodeIfPresent(Double.self, forKey: .rpoSeconds)
        outcome = try c.decodeIfPresent(DrillVerdict.Outcome.self, forKey: .outcome)
        rto = try c.decodeIfPresent(TimeSpan.self, forKey: .rto)
        rpo = try c.decodeIfPresent(TimeSpan.self, forKey: .rpo)
        rtoMet = try c.decodeIfPresent(Bool.self, forKey: .rtoMet)
        rpoMet = try c.decodeIfPresent(Bool.self, forKey: .rpoMet)
        report = try c.decodeIfPresent(String.self, forKey: .report)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        stage = try c.decodeIfPresent(String.self, forKey: .stage)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        try c.encode(drill, forKey: .drill)
        try c.encode(environment, forKey: .environment)
        try c.encodeIfPresent(backups, forKey: .backups)
        try c.encodeIfPresent(cluster, forKey: .cluster)
        try c.encodeIfPresent(instances, forKey: .instances)
        try c.encodeIfPresent(rtoSeconds, forKey: .rtoSeconds)
        try c.encodeIfPresent(rpoSeconds, forKey: .rpoSeconds)
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(rto, forKey: .rto)
        try c.encodeIfPresent(rpo, forKey: .rpo)
        try c.encodeIfPresent(rtoMet, forKey: .rtoMet)
        try c.encodeIfPresent(rpoMet, forKey: .rpoMet)
        try c.encodeIfPresent(report, forKey: .report)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(stage, forKey: .stage)
    }
}
