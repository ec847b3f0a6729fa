import ServiceLifecycle
public import StewardRuntime

/// Runs a ``Supervisor`` as a service until graceful shutdown.
///
/// Shutting the agent down leaves instances running (the next agent adopts them) unless
/// `stopInstancesOnShutdown` is set, as it is for the all-in-one demo.
public struct SupervisorService: Service {
    public let supervisor: Supervisor
    public let stopInstancesOnShutdown: Bool

    public init(supervisor: Supervisor, stopInstancesOnShutdown: Bool = false) {
        self.supervisor = supervisor
        self.stopInstancesOnShutdown = stopInstancesOnShutdown
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await supervisor.run()
        }
        if stopInstancesOnShutdown { await supervisor.stopAll() }
    }
}
