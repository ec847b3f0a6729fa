/// The address of the instance a probe checks: where `http` and `tcp` checks without a port of their own go.
public struct ProbeTarget: Sendable, Equatable {
    /// The instance's host (instances listen on the loopback interface by default).
    public var host: String
    /// The instance's port, if it has one.
    public var port: Int?

    /// Creates a target; `host` defaults to 127.0.0.1.
    public init(host: String = "127.0.0.1", port: Int? = nil) {
        self.host = host
        self.port = port
    }
}
