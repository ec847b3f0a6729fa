public import StewardHTTP

/// The body of `POST /api/v1/deployments`.
public struct DeployRequest: Codable, Sendable {
    public var service: String
    public var environment: String
    public var version: String
    /// Extra environment variables for this release only.
    public var set: [String: String]?
    /// `rolling`, `blue-green` or `canary`, instead of the service's `deploy.strategy`.
    public var strategy: String?
    /// Start even while the environment's window is closed, for this reason (`--override-window --reason`).
    public var overrideWindow: WindowOverrideRequest?

    public init(
        service: String, environment: String, version: String, set: [String: String]? = nil, strategy: String? = nil,
        overrideWindow: WindowOverrideRequest? = nil
    ) {
        self.overrideWindow = overrideWindow
        self.service = service
        self.environment = environment
        self.version = version
        self.set = set
        self.strategy = strategy
    }
}

/// The body of `POST /api/v1/rollbacks`.
public struct RollbackRequest: Codable, Sendable {
    public var service: String
    public var environment: String
    /// An older release number to return to; by default the one that served before the current one.
    public var to: Int?

    public init(service: String, environment: String, to: Int? = nil) {
        self.service = service
        self.environment = environment
        self.to = to
    }
}

/// The body of `POST /api/v1/deployments/{id}/abort`.
public struct AbortRequest: Codable, Sendable {
    public var reason: String?

    public init(reason: String? = nil) { self.reason = reason }
}

/// The body of `POST /api/v1/services/{name}/stop`.
public struct StopRequest: Codable, Sendable {
    public var environment: String
    public var reason: String?

    public init(environment: String, reason: String? = nil) {
        self.environment = environment
        self.reason = reason
    }
}

/// The answer of `POST /api/v1/services/{name}/stop`: the instances that will stop.
public struct StopAnswer: Codable, Sendable {
    public var service: String
    public var environment: String
    public var stopping: [String]
}

/// The answer of `PUT /api/v1/stack`: what was applied, and the keys this version does not enforce.
public struct StackAppliedAnswer: Codable, Sendable {
    public var stack: String
    /// SHA-256 of the file's text.
    public var digest: String
    public var warnings: [APIError.Detail]
}
