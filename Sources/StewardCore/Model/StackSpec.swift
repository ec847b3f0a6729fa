import Foundation

/// The whole stack as declared in `steward.yaml`: the single source of truth.
///
/// Built only by ``StackFile/parse(_:file:)``, which reports every mistake with its
/// position; a `StackSpec` value is therefore always valid.
///
/// ## Topics
/// - ``ServiceSpec``
/// - ``DependencySpec``
/// - ``EnvironmentSpec``
public struct StackSpec: Sendable, Codable, Equatable {
    /// Schema version of the file (`version: 1`).
    public var version: Int
    /// The stack's name (`stack: smartunderwrite`).
    public var name: String
    /// External parts the services use, reached by URL, in file order.
    public var dependencies: [DependencySpec]
    /// The services Steward runs, in file order.
    public var services: [ServiceSpec]
    /// The environments, in file order (usually development, staging, production).
    public var environments: [EnvironmentSpec]
    /// Service-level objectives (parsed now, enforced by the monitoring work).
    public var slos: [SLOSpec]
    /// Backup policies per dependency (parsed now, run by the data-safety work).
    public var backups: [BackupSpec]
    /// Alert rules (parsed now, evaluated by the monitoring work).
    public var alerts: [AlertRuleSpec]
    /// Runbooks (parsed now, run by the runbook work).
    public var runbooks: [RunbookSpec]
    /// Incident severities and escalation (parsed now, used by the incident work).
    public var incidents: IncidentPolicySpec?
    /// Recovery objectives for disaster-recovery drills.
    public var recovery: RecoveryObjectivesSpec?
    /// Bucket mirrors (`mirrors:`), in file order.
    public var mirrors: [MirrorSpec] {
        get { storedMirrors ?? [] }
        set { storedMirrors = newValue.isEmpty ? nil : newValue }
    }
    /// Optional in the log's `spec`: absent when the stack declares none, so the logs written before
    /// mirrors existed read (and write) the same bytes.
    private var storedMirrors: [MirrorSpec]?

    enum CodingKeys: String, CodingKey {
        case version, name, dependencies, services, environments, slos, backups, alerts, runbooks, incidents, recovery
        case storedMirrors = "mirrors"
    }

    public init(
        version: Int = 1, name: String, dependencies: [DependencySpec] = [], services: [ServiceSpec] = [],
        environments: [EnvironmentSpec] = [], slos: [SLOSpec] = [], backups: [BackupSpec] = [],
        alerts: [AlertRuleSpec] = [], runbooks: [RunbookSpec] = [], incidents: IncidentPolicySpec? = nil,
        recovery: RecoveryObjectivesSpec? = nil, mirrors: [MirrorSpec] = []
    ) {
        self.version = version
        self.name = name
        self.dependencies = dependencies
        self.services = services
        self.environments = environments
        self.slos = slos
        self.backups = backups
        self.alerts = alerts
        self.runbooks = runbooks
        self.incidents = incidents
        self.recovery = recovery
        self.mirrors = mirrors
    }

    /// The service with this name, if declared.
    public func service(named name: String) -> ServiceSpec? { services.first { $0.name == name } }
    /// The environment with this name, if declared.
    public func environment(named name: String) -> EnvironmentSpec? { environments.first { $0.name == name } }
    /// The dependency with this name, if declared.
    public func dependency(named name: String) -> DependencySpec? { dependencies.first { $0.name == name } }
}

/// Something a service depends on but Steward does not run: a database, a cache, an API, a bucket.
public struct DependencySpec: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case postgres, redis, http, s3 }
    public var name: String
    public var kind: Kind
    /// Where it is; may contain `${secret:NAME}`.
    public var url: String
    /// Whether a deployment must find it reachable first (default true).
    public var required: Bool
    /// postgres only: the directory of its versioned SQL migrations, relative to the stack file
    /// (`docs/migrations.md`); nil when Steward does not migrate it.
    public var migrations: String?

    public init(name: String, kind: Kind, url: String, required: Bool = true, migrations: String? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.required = required
        self.migrations = migrations
    }
}

/// A service Steward runs: how to start an instance, how to probe it, how to deploy it.
public struct ServiceSpec: Sendable, Codable, Equatable {
    public var name: String
    /// The executable; may contain references such as `${version}`.
    public var command: String
    public var args: [String]
    /// Environment variables injected into every instance; values may contain references.
    public var env: [String: String]
    /// Working directory of the instances (relative paths are relative to the stack file).
    public var workingDirectory: String?
    /// The stable port users reach the service on (served by the traffic proxy); instances get their own.
    public var port: Int?
    /// Instances per environment unless the environment overrides it.
    public var instances: Int
    /// Names of dependencies and services this one needs.
    public var dependsOn: [String]
    public var liveness: ProbeSpec?
    public var readiness: ProbeSpec?
    /// Time between SIGTERM and SIGKILL when an instance stops.
    public var stopGracePeriod: TimeSpan
    public var restart: RestartPolicy
    public var deploy: DeployPolicy
    public var logs: LogPolicy

    public init(
        name: String, command: String, args: [String] = [], env: [String: String] = [:],
        workingDirectory: String? = nil, port: Int? = nil, instances: Int = 1, dependsOn: [String] = [],
        liveness: ProbeSpec? = nil, readiness: ProbeSpec? = nil, stopGracePeriod: TimeSpan = .seconds(10),
        restart: RestartPolicy = RestartPolicy(), deploy: DeployPolicy = DeployPolicy(), logs: LogPolicy = LogPolicy()
    ) {
        self.name = name
        self.command = command
        self.args = args
        self.env = env
        self.workingDirectory = workingDirectory
        self.port = port
        self.instances = instances
        self.dependsOn = dependsOn
        self.liveness = liveness
        self.readiness = readiness
        self.stopGracePeriod = stopGracePeriod
        self.restart = restart
        self.deploy = deploy
        self.logs = logs
    }
}

/// How one probe checks an instance or a dependency, and how often.
public struct ProbeSpec: Sendable, Codable, Equatable {
    /// What the probe does.
    public enum Check: Sendable, Codable, Equatable {
        /// GET a path; passes on an expected status and, optionally, matching JSON fields.
        case http(HTTPCheck)
        /// Open a TCP connection; `port` defaults to the instance's port.
        case tcp(port: Int?)
        /// Run a command; passes on exit status 0.
        case exec(command: [String])
        /// `SELECT 1` against a PostgreSQL URL.
        case postgres(url: String)
        /// `PING` against a Redis URL.
        case redis(url: String)
    }

    /// The HTTP check: `GET http://127.0.0.1:PORT/path`.
    public struct HTTPCheck: Sendable, Codable, Equatable {
        public var path: String
        /// Defaults to the instance's port.
        public var port: Int?
        /// Statuses that pass (default 200...399).
        public var expectStatus: ClosedRange<Int>
        /// Top-level or dotted JSON fields that must equal these values, e.g. `status: Ready`.
        public var expectJSON: [String: String]
        public var headers: [String: String]

        public init(
            path: String, port: Int? = nil, expectStatus: ClosedRange<Int> = 200...399,
            expectJSON: [String: String] = [:], headers: [String: String] = [:]
        ) {
            self.path = path
            self.port = port
            self.expectStatus = expectStatus
            self.expectJSON = expectJSON
            self.headers = headers
        }
    }

    public var check: Check
    public var interval: TimeSpan
    public var timeout: TimeSpan
    /// Consecutive failures before the target counts as failing.
    public var failureThreshold: Int
    /// Consecutive successes before the target counts as passing.
    public var successThreshold: Int
    /// Wait this long after start before the first probe.
    public var initialDelay: TimeSpan

    public init(
        check: Check, interval: TimeSpan = .seconds(10), timeout: TimeSpan = .seconds(1),
        failureThreshold: Int = 3, successThreshold: Int = 1, initialDelay: TimeSpan = .milliseconds(0)
    ) {
        self.check = check
        self.interval = interval
        self.timeout = timeout
        self.failureThreshold = failureThreshold
        self.successThreshold = successThreshold
        self.initialDelay = initialDelay
    }
}

/// When the agent restarts an instance that exited, and how long it waits between tries.
public struct RestartPolicy: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable, CaseIterable { case always, onFailure = "on-failure", never }
    public var mode: Mode
    public var initialBackoff: TimeSpan
    public var maxBackoff: TimeSpan

    public init(mode: Mode = .always, initialBackoff: TimeSpan = .seconds(1), maxBackoff: TimeSpan = .seconds(30)) {
        self.mode = mode
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }
}

/// How instance output is kept on disk.
public struct LogPolicy: Sendable, Codable, Equatable {
    /// Rotate a log file when it grows past this many bytes.
    public var maxBytes: Int
    /// Rotated files kept per instance.
    public var keepFiles: Int

    public init(maxBytes: Int = 10 * 1024 * 1024, keepFiles: Int = 3) {
        self.maxBytes = maxBytes
        self.keepFiles = keepFiles
    }
}

/// How new releases of a service replace old ones.
public struct DeployPolicy: Sendable, Codable, Equatable {
    public enum Strategy: String, Sendable, Codable, CaseIterable { case rolling, blueGreen = "blue-green", canary }
    public var strategy: Strategy
    /// Extra instances allowed during a rolling deployment (the batch size).
    public var maxSurge: Int
    /// Instances allowed to be unavailable during a rolling deployment.
    public var maxUnavailable: Int
    /// New instances that are not ready within this time fail the deployment.
    public var readinessTimeout: TimeSpan
    /// Health-check attempts before a blue/green switch gives up (auterity guide: 10).
    public var healthCheckRetries: Int
    /// Keep the previous release running this long after a switch, for instant rollback.
    public var keepPrevious: TimeSpan
    /// Commands that must pass against the new release before it takes traffic.
    public var smoke: [[String]]
    public var preDeploy: [[String]]
    public var postDeploy: [[String]]
    public var canary: CanaryPolicy?
    /// Conditions that roll a deployment back automatically.
    public var rollbackRules: [MetricRule]
    /// PostgreSQL dependencies (with `migrations:`) whose pending migrations the pre-deployment
    /// checklist applies, in this order, after the `beforeDeploy` backups and before `preDeploy`.
    public var migrate: [String] {
        get { storedMigrate ?? [] }
        set { storedMigrate = newValue.isEmpty ? nil : newValue }
    }
    /// Optional in the log's `spec`: absent when the service migrates nothing, so the releases
    /// recorded before `migrate` existed read (and write) the same bytes.
    private var storedMigrate: [String]?

    enum CodingKeys: String, CodingKey {
        case strategy, maxSurge, maxUnavailable, readinessTimeout, healthCheckRetries, keepPrevious, smoke, preDeploy
        case postDeploy, canary, rollbackRules
        case storedMigrate = "migrate"
    }

    public init(
        strategy: Strategy = .rolling, maxSurge: Int = 1, maxUnavailable: Int = 0,
        readinessTimeout: TimeSpan = .seconds(60), healthCheckRetries: Int = 10, keepPrevious: TimeSpan = .minutes(5),
        smoke: [[String]] = [], preDeploy: [[String]] = [], postDeploy: [[String]] = [],
        canary: CanaryPolicy? = nil, rollbackRules: [MetricRule] = [], migrate: [String] = []
    ) {
        self.strategy = strategy
        self.maxSurge = maxSurge
        self.maxUnavailable = maxUnavailable
        self.readinessTimeout = readinessTimeout
        self.healthCheckRetries = healthCheckRetries
        self.keepPrevious = keepPrevious
        self.smoke = smoke
        self.preDeploy = preDeploy
        self.postDeploy = postDeploy
        self.canary = canary
        self.rollbackRules = rollbackRules
        self.storedMigrate = migrate.isEmpty ? nil : migrate
    }
}

/// The steps of a canary release.
public struct CanaryPolicy: Sendable, Codable, Equatable {
    public enum Step: Sendable, Codable, Equatable {
        /// Send this percentage (0–100) of traffic to the new release.
        case weight(Int)
        /// Wait this long, or until a person promotes when `nil`.
        case pause(TimeSpan?)
        /// Evaluate these rules; any failing rule rolls back.
        case analysis([MetricRule])
    }

    public var steps: [Step]

    public init(steps: [Step]) { self.steps = steps }
}

/// A condition over a metric held for a time, such as `error_rate > 5% for 5m`.
public struct MetricRule: Sendable, Codable, Equatable, CustomStringConvertible {
    public enum Metric: String, Sendable, Codable, CaseIterable {
        case errorRate = "error_rate", p50, p90, p95, p99, requestRate = "request_rate"
    }
    public enum Comparison: String, Sendable, Codable, CaseIterable {
        case greaterThan = ">", greaterOrEqual = ">=", lessThan = "<", lessOrEqual = "<="
    }

    public var metric: Metric
    public var comparison: Comparison
    /// The threshold in base units: a fraction for rates (5 % is 0.05), seconds for latencies.
    /// For a rule relative to the stable release, what is added to the stable release's value.
    public var threshold: Double
    /// For a rule relative to the stable release (`p95 > stable * 1.5 for 5m`), the factor of the
    /// stable release's value: the limit is `factor × stable + threshold`. `nil` for a fixed threshold.
    public var baselineFactor: Double?
    /// How long the condition must hold.
    public var duration: TimeSpan
    /// Fewer requests than this in the window decide nothing.
    public var minimumRequests: Int
    /// The rule as written in the stack file.
    public var source: String

    public init(
        metric: Metric, comparison: Comparison, threshold: Double, duration: TimeSpan, minimumRequests: Int = 20,
        baselineFactor: Double? = nil, source: String
    ) {
        self.metric = metric
        self.comparison = comparison
        self.threshold = threshold
        self.baselineFactor = baselineFactor
        self.duration = duration
        self.minimumRequests = minimumRequests
        self.source = source
    }

    public var description: String { source }
}

/// One environment: where a service runs with its own instances, variables and policies.
public struct EnvironmentSpec: Sendable, Codable, Equatable {
    public var name: String
    /// The environment a release goes to next (`staging` promotes to `production`).
    public var promotesTo: String?
    /// Distinct approvals (not the requester's) a deployment needs.
    public var approvals: Int
    /// When deployments may run; nil means any time.
    public var window: DeploymentWindow?
    /// Instances per service, overriding the service's default.
    public var instances: [String: Int]
    /// Variables added to every service's environment here (override the service's).
    public var env: [String: String]
    /// Variables that must be set before a deployment starts (auterity checklist).
    public var requiredEnv: [String]
    /// How long a release must be healthy here before it may be promoted onward.
    public var minimumHealthyTime: TimeSpan?
    /// Backup retention here (guides: production 30 days, staging 7 days).
    public var backupRetention: RetentionSpec?
    /// Whether `steward migrate` takes a verified backup before changing a database here, as
    /// written; nil when the file leaves it out (see ``backsUpBeforeMigrating``).
    public var backupBeforeMigrate: Bool?
    /// Where each finished deployment here is posted as a marker (`markerWebhook`); may hold `${secret:NAME}`.
    public var markerWebhook: String?

    /// Whether a migration here is preceded by a verified backup: as declared, else only in an
    /// environment named `production` (the guides' "backup first" is a production rule).
    public var backsUpBeforeMigrating: Bool { backupBeforeMigrate ?? (name == "production") }

    public init(
        name: String, promotesTo: String? = nil, approvals: Int = 0, window: DeploymentWindow? = nil,
        instances: [String: Int] = [:], env: [String: String] = [:], requiredEnv: [String] = [],
        minimumHealthyTime: TimeSpan? = nil, backupRetention: RetentionSpec? = nil, backupBeforeMigrate: Bool? = nil,
        markerWebhook: String? = nil
    ) {
        self.markerWebhook = markerWebhook
        self.name = name
        self.promotesTo = promotesTo
        self.approvals = approvals
        self.window = window
        self.instances = instances
        self.env = env
        self.requiredEnv = requiredEnv
        self.minimumHealthyTime = minimumHealthyTime
        self.backupRetention = backupRetention
        self.backupBeforeMigrate = backupBeforeMigrate
    }
}

/// A weekly window such as `Sun 02:00-06:00 UTC` or `Mon-Fri 09:00-17:00 Europe/Paris`.
public struct DeploymentWindow: Sendable, Codable, Equatable, CustomStringConvertible {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var weekdays: [Int]
    /// Minutes after midnight the window opens.
    public var startMinute: Int
    /// Minutes after midnight the window closes (may be less than start: it crosses midnight).
    public var endMinute: Int
    /// An IANA time-zone name or `UTC`.
    public var timeZone: String
    /// The window as written.
    public var source: String

    public init(weekdays: [Int], startMinute: Int, endMinute: Int, timeZone: String, source: String) {
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
        self.timeZone = timeZone
        self.source = source
    }

    public var description: String { source }
}

/// How long backups are kept.
public struct RetentionSpec: Sendable, Codable, Equatable {
    public var maxAge: TimeSpan?
    public var keepLast: Int?
    public var keepDaily: Int?
    public var keepWeekly: Int?
    public var keepMonthly: Int?

    public init(
        maxAge: TimeSpan? = nil, keepLast: Int? = nil, keepDaily: Int? = nil, keepWeekly: Int? = nil,
        keepMonthly: Int? = nil
    ) {
        self.maxAge = maxAge
        self.keepLast = keepLast
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
        self.keepMonthly = keepMonthly
    }
}
