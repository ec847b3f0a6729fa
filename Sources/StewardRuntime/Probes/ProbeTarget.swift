/// The instance a probe checks: where `http` and `tcp` checks without a port of their own go,
/// and the environment `exec` checks run with.
public struct ProbeTarget: Sendable, Equatable {
    /// The instance's host (instances listen on the loopback interface by default).
    public var host: String
    /// The instance's port, if it has one.
    public var port: Int?
    /// The complete environment of `exec` checks: the instance's own, never the agent's (which may
    /// hold secrets the instance was not given). Nil means a minimal one (PATH, HOME, locale).
    public var environment: [String: String]?

    /// Creates a target; `host` defaults to 127.0.0.1.
    public init(host: String = "127.0.0.1", port: Int? = nil, environment: [String: String]? = nil) {
        self.host = host
        self.port = port
        self.environment = environment
    }
}
