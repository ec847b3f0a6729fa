import Foundation

/// A service-level objective: availability, latency or error rate over a rolling window.
public struct SLOSpec: Sendable, Codable, Equatable {
    public enum Objective: Sendable, Codable, Equatable {
        /// Share of successful requests, e.g. 99.9 (percent).
        case availability(percent: Double)
        /// A latency percentile below a bound, e.g. p95 < 500ms.
        case latency(percentile: Double, below: TimeSpan)
        /// Error share below a bound, e.g. 0.1 (percent).
        case errorRate(belowPercent: Double)
    }

    public var name: String
    public var service: String
    public var objective: Objective
    public var window: TimeSpan

    public init(name: String, service: String, objective: Objective, window: TimeSpan = .days(30)) {
        self.name = name
        self.service = service
        self.objective = objective
        self.window = window
    }
}

/// A backup policy for one dependency.
public struct BackupSpec: Sendable, Codable, Equatable {
    public var dependency: String
    /// A five-field cron expression, in `timeZone`.
    public var schedule: String?
    public var timeZone: String
    /// Where artifacts go: a folder path or an `s3://bucket/prefix` URL.
    public var destination: String
    public var retention: RetentionSpec?
    /// Verify each backup by restoring it into a scratch database.
    public var verify: Bool
    /// Queries that must return zero rows after a restore (e.g. orphan checks).
    public var integrityQueries: [String]
    /// Take a backup before every deployment of a service that depends on this one.
    public var beforeDeploy: Bool
    /// Physical backups and point-in-time recovery through pgBackRest, besides the logical ones.
    public var physical: PhysicalBackupSpec?

    public init(
        dependency: String, schedule: String? = nil, timeZone: String = "UTC", destination: String = "backups",
        retention: RetentionSpec? = nil, verify: Bool = true, integrityQueries: [String] = [], beforeDeploy: Bool = true,
        physical: PhysicalBackupSpec? = nil
    ) {
        self.dependency = dependency
        self.schedule = schedule
        self.timeZone = timeZone
        self.destination = destination
        self.retention = retention
        self.verify = verify
        self.integrityQueries = integrityQueries
        self.beforeDeploy = beforeDeploy
        self.physical = physical
    }
}

/// Incident severities, P0 (most urgent) to P3.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    case p0 = "P0", p1 = "P1", p2 = "P2", p3 = "P3"

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A threshold alert over a signal, held for a duration.
public struct AlertRuleSpec: Sendable, Codable, Equatable {
    public var name: String
    /// The condition, e.g. `error_rate{service="api"} > 1%`.
    public var expression: String
    public var duration: TimeSpan
    public var severity: Severity
    public var labels: [String: String]
    /// Alerts this one silences while it fires (e.g. DatabaseDown inhibits HighErrorRate).
    public var inhibits: [String]

    public init(
        name: String, expression: String, duration: TimeSpan = .seconds(0), severity: Severity = .p2,
        labels: [String: String] = [:], inhibits: [String] = []
    ) {
        self.name = name
        self.expression = expression
        self.duration = duration
        self.severity = severity
        self.labels = labels
        self.inhibits = inhibits
    }
}

/// Response targets per severity and the escalation path.
public struct IncidentPolicySpec: Sendable, Codable, Equatable {
    public struct EscalationLevel: Sendable, Codable, Equatable {
        /// Escalate to this level when nobody acknowledged within this time.
        public var after: TimeSpan
        /// Who is notified: names of people, schedules or channels.
        public var notify: [String]

        public init(after: TimeSpan, notify: [String]) {
            self.after = after
            self.notify = notify
        }
    }

    /// Time to respond per severity (data-aggregator: P0 15m, P1 2h, P2 1 business day, P3 1 week).
    public var responseTargets: [Severity: TimeSpan]
    public var escalation: [EscalationLevel]
    /// Notification channels by name: a URL (webhook, Slack) or `mailto:`.
    public var channels: [String: String]

    public init(
        responseTargets: [Severity: TimeSpan] = [:], escalation: [EscalationLevel] = [], channels: [String: String] = [:]
    ) {
        self.responseTargets = responseTargets
        self.escalation = escalation
        self.channels = channels
    }
}

/// Disaster-recovery objectives (data-aggregator: RTO 4h, RPO 24h).
public struct RecoveryObjectivesSpec: Sendable, Codable, Equatable {
    public var rto: TimeSpan
    public var rpo: TimeSpan

    public init(rto: TimeSpan, rpo: TimeSpan) {
        self.rto = rto
        self.rpo = rpo
    }
}
