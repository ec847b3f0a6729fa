import Foundation
import StewardCore

/// What an agent reports about one instance it supervises.
public struct InstanceStatus: Sendable, Codable, Equatable {
    /// The lifecycle of an instance on its host.
    public enum State: String, Sendable, Codable {
        /// Accepted; the process is about to start.
        case starting
        /// The process runs.
        case running
        /// The process exited and waits out its restart backoff.
        case backoff
        /// A stop was requested; waiting for the process group to end.
        case stopping
        /// The process exited and the restart policy says not to restart it.
        case exited
    }

    public var spec: InstanceSpec
    public var state: State
    /// The process id while it runs.
    public var pid: Int32?
    /// The port the instance listens on.
    public var port: Int
    /// Passing its readiness probe (or running, when it has none).
    public var ready: Bool
    /// Not failing its liveness probe.
    public var live: Bool
    /// Restarts since the instance was first started.
    public var restarts: Int
    /// Exits in a row that came before the instance ever became ready.
    public var failedStarts: Int
    public var lastExitCode: Int?
    public var startedAt: Date?
    public var lastProbe: ProbeResult?
    /// Adopted from an earlier agent process rather than started by this one.
    public var adopted: Bool
    /// A human-readable note about the last change.
    public var message: String

    public init(
        spec: InstanceSpec, state: State, pid: Int32? = nil, port: Int, ready: Bool = false, live: Bool = true,
        restarts: Int = 0, failedStarts: Int = 0, lastExitCode: Int? = nil, startedAt: Date? = nil,
        lastProbe: ProbeResult? = nil, adopted: Bool = false, message: String = ""
    ) {
        self.spec = spec
        self.state = state
        self.pid = pid
        self.port = port
        self.ready = ready
        self.live = live
        self.restarts = restarts
        self.failedStarts = failedStarts
        self.lastExitCode = lastExitCode
        self.startedAt = startedAt
        self.lastProbe = lastProbe
        self.adopted = adopted
        self.message = message
    }

    public var id: String { spec.id }

    /// Adopted by a restarted agent and not probed since: its readiness is not known yet (it counts
    /// as not ready on the agent until its first probe, which runs at once), not known to have changed.
    public var awaitingFirstProbe: Bool { adopted && lastProbe == nil && spec.readiness != nil }
}

/// A consistent view of everything on one agent at one generation.
///
/// The generation grows on every change, so a watcher asks for "anything after N" and
/// gets an answer as soon as something happens.
public struct AgentSnapshot: Sendable, Codable, Equatable {
    public var agentID: String
    public var generation: UInt64
    public var instances: [InstanceStatus]

    public init(agentID: String, generation: UInt64, instances: [InstanceStatus]) {
        self.agentID = agentID
        self.generation = generation
        self.instances = instances
    }
}

/// A slice of an instance's output log.
public struct LogChunk: Sendable, Codable, Equatable {
    public var instanceID: String
    /// Byte offset of `text` in the log.
    public var offset: Int
    /// The offset to ask for next.
    public var nextOffset: Int
    public var text: String

    public init(instanceID: String, offset: Int, nextOffset: Int, text: String) {
        self.instanceID = instanceID
        self.offset = offset
        self.nextOffset = nextOffset
        self.text = text
    }
}
