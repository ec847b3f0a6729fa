import Foundation

/// A named procedure from an operations guide, as steps Steward runs one after another.
///
/// Declared under `runbooks:` in the stack file; run by `steward runbook run NAME --env ENV`.
/// Each step does one thing (``Action``); a step may wait for a person first (``Step/confirm``),
/// run only when an earlier step's result says so (``Step/condition``) and, when it fails, stop
/// the run or let it go on (``Step/stopOnFailure``). How a run proceeds is decided in
/// ``RunbookRun``.
public struct RunbookSpec: Sendable, Codable, Equatable {
    public var name: String
    public var description: String?
    public var steps: [Step]
    /// Environments it may run in; empty means all.
    public var environments: [String]

    public init(name: String, description: String? = nil, steps: [Step], environments: [String] = []) {
        self.name = name
        self.description = description
        self.steps = steps
        self.environments = environments
    }

    /// The index of the step called `name`.
    public func stepIndex(named name: String) -> Int? { steps.firstIndex { $0.name == name } }

    /// Whether it may run in `environment`.
    public func allows(environment: String) -> Bool { environments.isEmpty || environments.contains(environment) }
}

extension RunbookSpec {
    /// What one step does. Strings may hold `${...}` references, resolved when the step runs.
    public enum Action: Sendable, Equatable {
        /// Run a program (argv, no shell) with extra environment variables.
        case command([String], env: [String: String])
        /// Send an HTTP request.
        case http(HTTPRequest)
        /// Run SQL statements against a declared postgres dependency (several: one transaction).
        case sql(dependency: String, statements: [String])
        /// Send one command to a declared redis dependency.
        case redis(dependency: String, command: [String])
        /// Restart a service in the run's environment (a rolling deployment of its current release).
        case restart(service: String)
        /// Scale a service in the run's environment to a number of instances.
        case scale(service: String, instances: Int)
        /// Nothing to run: the step is an approval gate (`confirm: true`) and nothing else.
        case gate

        /// The kind's name, as the stack file and the API write it.
        public var kind: String {
            switch self {
            case .command: "run"
            case .http: "http"
            case .sql: "sql"
            case .redis: "redis"
            case .restart: "restart"
            case .scale: "scale"
            case .gate: "confirm"
            }
        }
    }

    /// An HTTP request step.
    public struct HTTPRequest: Sendable, Codable, Equatable {
        public var method: String
        public var url: String
        public var headers: [String: String]
        public var body: String?
        /// Statuses that count as success; empty means any 2xx.
        public var expectStatus: [Int]

        public init(
            method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil,
            expectStatus: [Int] = []
        ) {
            self.method = method
            self.url = url
            self.headers = headers
            self.body = body
            self.expectStatus = expectStatus
        }
    }

    /// One step of a runbook.
    public struct Step: Sendable, Equatable {
        public var name: String
        public var action: Action
        /// Stop the run when this step fails (default true); when false the run goes on and may
        /// still succeed, like a CI step allowed to fail.
        public var stopOnFailure: Bool
        /// Wait for a person's approval before running this step.
        public var confirm: Bool
        /// Run the step only when this holds; otherwise it is skipped.
        public var condition: RunbookCondition?
        /// How long the step may take before it is stopped and counts as failed.
        public var timeout: TimeSpan

        /// The timeout a step gets when the stack file sets none.
        public static let defaultTimeout = TimeSpan.seconds(60)

        public init(
            name: String, action: Action, stopOnFailure: Bool = true, confirm: Bool = false,
            condition: RunbookCondition? = nil, timeout: TimeSpan = Step.defaultTimeout
        ) {
            self.name = name
            self.action = action
            self.stopOnFailure = stopOnFailure
            self.confirm = confirm
            self.condition = condition
            self.timeout = timeout
        }
    }
}
