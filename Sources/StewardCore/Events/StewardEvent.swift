import Foundation

/// Every change of state in Steward, as it is written to the event log.
///
/// The log is the source of truth: ``StackState`` is built by applying these events in
/// order, and the audit trail is the same stream. An event is appended (durably) before
/// the effect it causes runs.
public enum StewardEvent: Sendable, Equatable {
    /// A stack file was validated and became the current definition.
    case stackApplied(StackApplied)
    case releaseCreated(Release)
    /// A deployment was planned; the value is its initial state.
    case deploymentCreated(Deployment)
    /// An input to a deployment's state machine.
    case deploymentInput(id: Int, Deployment.Input)
    /// A deployment reached a final phase (informational; the phase follows from the inputs).
    case deploymentFinished(id: Int, phase: Deployment.Phase, reason: String?)
    /// An instance's observed state changed (ready, not ready, exited, adopted…).
    case instanceObserved(InstanceObservation)
    case dependencyObserved(DependencyObservation)
    case tokenCreated(name: String, role: String)
    case controlPlaneStarted(ControlPlaneStarted)
}

/// Payload of ``StewardEvent/stackApplied(_:)``.
public struct StackApplied: Sendable, Codable, Equatable {
    public var spec: StackSpec
    /// SHA-256 of the file's text.
    public var digest: String
    public var file: String

    public init(spec: StackSpec, digest: String, file: String) {
        self.spec = spec
        self.digest = digest
        self.file = file
    }
}

/// Payload of ``StewardEvent/instanceObserved(_:)``.
public struct InstanceObservation: Sendable, Codable, Equatable {
    public enum Change: String, Sendable, Codable {
        case ready, unready, exited, restarted, adopted, missing, started, stopped
    }

    public var instanceID: String
    public var change: Change
    public var message: String
    public var pid: Int32?
    public var port: Int?

    public init(instanceID: String, change: Change, message: String, pid: Int32? = nil, port: Int? = nil) {
        self.instanceID = instanceID
        self.change = change
        self.message = message
        self.pid = pid
        self.port = port
    }
}

/// Payload of ``StewardEvent/dependencyObserved(_:)``.
public struct DependencyObservation: Sendable, Codable, Equatable {
    public var name: String
    public var up: Bool
    public var message: String

    public init(name: String, up: Bool, message: String) {
        self.name = name
        self.up = up
        self.message = message
    }
}

/// Payload of ``StewardEvent/controlPlaneStarted(_:)``.
public struct ControlPlaneStarted: Sendable, Codable, Equatable {
    public var version: String
    /// Instances found running on agents and adopted.
    public var adoptedInstances: Int
    /// Deployments resumed from the log.
    public var resumedDeployments: [Int]

    public init(version: String, adoptedInstances: Int, resumedDeployments: [Int]) {
        self.version = version
        self.adoptedInstances = adoptedInstances
        self.resumedDeployments = resumedDeployments
    }
}
