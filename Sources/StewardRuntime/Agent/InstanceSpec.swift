import Foundation
public import StewardCore

/// Everything an agent needs to run one instance, already resolved by the control plane.
///
/// The spec is host-agnostic: the same value starts a local process today and a process
/// on a remote host later. Its `id` is chosen by the control plane and is stable across
/// retries, which is what makes starting an instance idempotent.
public struct InstanceSpec: Sendable, Codable, Equatable {
    /// Stable identity, e.g. `api-production-r7-0`.
    public var id: String
    public var service: String
    public var environment: String
    /// The release number this instance belongs to.
    public var release: Int
    public var version: String
    /// The executable: an absolute path, a path relative to `workingDirectory`, or a name looked up in `PATH`.
    public var command: String
    /// Arguments; the literal `${port}` is replaced by the instance's port.
    public var args: [String]
    /// Environment variables; the literal `${port}` is replaced by the instance's port.
    public var env: [String: String]
    public var workingDirectory: String?
    /// A fixed port, or nil for a free loopback port chosen by the agent.
    public var port: Int?
    public var liveness: ProbeSpec?
    public var readiness: ProbeSpec?
    public var stopGracePeriod: TimeSpan
    public var restart: RestartPolicy
    public var logs: LogPolicy

    public init(
        id: String, service: String, environment: String, release: Int, version: String, command: String,
        args: [String] = [], env: [String: String] = [:], workingDirectory: String? = nil, port: Int? = nil,
        liveness: ProbeSpec? = nil, readiness: ProbeSpec? = nil, stopGracePeriod: TimeSpan = .seconds(10),
        restart: RestartPolicy = RestartPolicy(), logs: LogPolicy = LogPolicy()
    ) {
        self.id = id
        self.service = service
        self.environment = environment
        self.release = release
        self.version = version
        self.command = command
        self.args = args
        self.env = env
        self.workingDirectory = workingDirectory
        self.port = port
        self.liveness = liveness
        self.readiness = readiness
        self.stopGracePeriod = stopGracePeriod
        self.restart = restart
        self.logs = logs
    }
}
