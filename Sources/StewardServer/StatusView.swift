import Foundation
public import StewardCore
public import StewardRuntime

/// What `GET /api/v1/status` answers: every service in every environment at a glance.
public struct StatusView: Codable, Sendable {
    public struct ServiceStatus: Codable, Sendable {
        public var service: String
        public var environment: String
        public var release: Int?
        public var version: String?
        public var desired: Int
        /// The count `steward scale` pinned there, when one is (``desired`` is then this count).
        public var scaled: Int?
        /// While stopped: the release `steward start` runs again.
        public var stoppedRelease: Int?
        public var ready: Int
        public var instances: [InstanceStatusView]
        public var deployment: Deployment?
    }

    public struct InstanceStatusView: Codable, Sendable {
        public var id: String
        public var release: Int
        public var version: String
        public var state: String
        public var ready: Bool
        public var port: Int
        public var pid: Int32?
        public var restarts: Int
        public var url: String
        public var message: String
    }

    public struct AgentView: Codable, Sendable {
        public var url: String
        public var reachable: Bool
        public var agentID: String?
    }

    public var stack: String?
    public var agent: AgentView
    public var services: [ServiceStatus]
    public var dependencies: [DependencyObservation]
    public var lastEvent: Int64

    /// Builds the view from the state and the agent's latest snapshot.
    public init(state: StackState, snapshot: AgentSnapshot?, agentURL: String, reachable: Bool, lastEvent: Int64) {
        stack = state.stack?.name
        agent = AgentView(url: agentURL, reachable: reachable, agentID: snapshot?.agentID)
        // A drill's instances are not the service's: they belong to no release and get no traffic.
        let instances = (snapshot?.instances ?? []).filter { !DrillID.isDrillInstance($0.id) }
        var services: [ServiceStatus] = []
        for environment in state.stack?.environments ?? [] {
            for service in state.stack?.services ?? [] {
                let target = ServiceEnvironment(service: service.name, environment: environment.name)
                let release = state.currentRelease(for: target)
                let deployment = state.activeDeployment(for: target)
                    ?? state.deployments.values.filter { $0.target == target }.max { $0.id < $1.id }
                let mine = instances.filter { $0.spec.service == service.name && $0.spec.environment == environment.name }
                guard release != nil || deployment != nil || !mine.isEmpty else { continue }
                services.append(
                    ServiceStatus(
                        service: service.name, environment: environment.name, release: release?.number,
                        version: release?.version, desired: release?.spec.instances ?? 0,
                        scaled: state.scaledInstances(for: target), stoppedRelease: state.stopped[target],
                        ready: mine.filter { $0.ready && $0.spec.release == release?.number }.count,
                        instances: mine.map {
                            InstanceStatusView(
                                id: $0.id, release: $0.spec.release, version: $0.spec.version, state: $0.state.rawValue,
                                ready: $0.ready, port: $0.port, pid: $0.pid, restarts: $0.restarts,
                                url: "http://127.0.0.1:\($0.port)", message: $0.message)
                        }, deployment: deployment))
            }
        }
        self.services = services
        dependencies = state.dependencies.values.sorted { $0.name < $1.name }
        self.lastEvent = lastEvent
    }
}
