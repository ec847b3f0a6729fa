import Foundation

/// Everything about one disaster-recovery drill: what it restored and started, each stage and its
/// time, the figures and the verdict. The API answers it while the drill runs and after; the
/// Markdown report (``markdown``) is rendered from it.
///
/// Built and updated by the control plane as the drill goes; a value, so the rendering and the
/// verdict are tested without processes or clocks.
public struct DrillReport: Sendable, Codable, Equatable {
    /// Where the drill stands.
    public enum State: String, Sendable, Codable {
        /// Stages still run (or the teardown).
        case running
        /// It restored, started and checked the environment; ``verdict`` says how it compares.
        case completed
        /// It could not restore, start or check the environment; ``error`` says why.
        case failed
    }

    /// One step of the drill and how long it took.
    public struct Stage: Sendable, Codable, Equatable {
        /// What the step does, e.g. `restore db`.
        public var name: String
        /// Seconds since the drill's start when it began.
        public var offsetSeconds: Double
        /// How long it took; nil while it runs.
        public var seconds: Double?
        /// True when it worked; nil while it runs.
        public var passed: Bool?
        /// What it found or did, in one line.
        public var detail: String?

        public init(name: String, offsetSeconds: Double, seconds: Double? = nil, passed: Bool? = nil, detail: String? = nil) {
            self.name = name
            self.offsetSeconds = offsetSeconds
            self.seconds = seconds
            self.passed = passed
            self.detail = detail
        }
    }

    /// A backup the drill restored.
    public struct RestoredBackup: Sendable, Codable, Equatable {
        public var dependency: String
        public var backup: String
        /// The database it holds.
        public var database: String
        /// When the backup's snapshot was taken: every transaction committed before it is in it.
        public var snapshotAt: Date
        /// True when the backup's last verification passed.
        public var verified: Bool

        public init(dependency: String, backup: String, database: String, snapshotAt: Date, verified: Bool) {
            self.dependency = dependency
            self.backup = backup
            self.database = database
            self.snapshotAt = snapshotAt
            self.verified = verified
        }
    }

    /// A service the drill started beside the real one.
    public struct StartedService: Sendable, Codable, Equatable {
        public var service: String
        /// The version (of the release serving the environment) it runs.
        public var version: String
        /// The drill instances' ids (`drill-ID-SERVICE-N`).
        public var instances: [String]
        /// The ports they listened on, once known.
        public var ports: [Int]
        /// The smoke commands run against them.
        public var smokeCommands: Int
        /// True when every smoke command passed; nil before they ran.
        public var smokePassed: Bool?

        public init(service: String, version: String, instances: [String], ports: [Int] = [], smokeCommands: Int, smokePassed: Bool? = nil) {
            self.service = service
            self.version = version
            self.instances = instances
            self.ports = ports
            self.smokeCommands = smokeCommands
            self.smokePassed = smokePassed
        }
    }

    /// How the recovery point is measured (said in every report).
    public static let recoveryPointBasis =
        "the snapshot time of each restored backup (its manifest's createdAt: pg_dump ran in a snapshot taken then, so "
        + "every transaction committed before it is restored and none after); the oldest of them counts"

    public var id: String
    public var environment: String
    public var startedBy: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var state: State
    public var stages: [Stage]
    public var backups: [RestoredBackup]
    public var services: [StartedService]
    /// Seconds from the start until every drill instance was healthy (ready and, with smoke commands, smoke-tested).
    public var rtoSeconds: Double?
    /// Seconds between the newest restored transaction (the oldest snapshot) and the start.
    public var rpoSeconds: Double?
    /// The stack's `recovery:`, nil when it declares none.
    public var objectives: RecoveryObjectivesSpec?
    /// How the figures compare with the objectives; nil until measured.
    public var verdict: DrillVerdict?
    /// Why the drill failed.
    public var error: String?
    /// What the teardown removed, and anything it could not.
    public var teardown: [String]
    /// Where the Markdown report was written.
    public var reportPath: String?

    public init(
        id: String, environment: String, startedBy: String, startedAt: Date, objectives: RecoveryObjectivesSpec?,
        backups: [RestoredBackup] = [], services: [StartedService] = []
    ) {
        self.id = id
        self.environment = environment
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.state = .running
        self.stages = []
        self.backups = backups
        self.services = services
        self.objectives = objectives
        self.teardown = []
    }

    /// Records the figures and judges them (``DrillVerdict/judge(rtoSeconds:rpoSeconds:objectives:)``).
    ///
    /// Without a restored backup the recovery point is 0: nothing older than the drill was needed.
    public mutating func measure(healthyAt: Date) {
        let rto = max(0, healthyAt.timeIntervalSince(startedAt))
        let rpo = DrillVerdict.recoveryPoint(snapshots: backups.map(\.snapshotAt), start: startedAt) ?? 0
        rtoSeconds = rto
        rpoSeconds = rpo
        verdict = DrillVerdict.judge(rtoSeconds: rto, rpoSeconds: rpo, objectives: objectives)
    }

    /// Begins a stage at `time` (the previous one, if still open, ends there as passed).
    public mutating func begin(_ name: String, at time: Date) {
        if let last = stages.indices.last, stages[last].seconds == nil { end(at: time, passed: true) }
        stages.append(Stage(name: name, offsetSeconds: max(0, time.timeIntervalSince(startedAt))))
    }

    /// Ends the current stage at `time`.
    public mutating func end(at time: Date, passed: Bool, detail: String? = nil) {
        guard let last = stages.indices.last, stages[last].seconds == nil else { return }
        stages[last].seconds = max(0, time.timeIntervalSince(startedAt) - stages[last].offsetSeconds)
        stages[last].passed = passed
        if let detail { stages[last].detail = detail }
    }

    /// The stage running now, if any.
    public var currentStage: Stage? { stages.last.flatMap { $0.seconds == nil ? $0 : nil } }
}
