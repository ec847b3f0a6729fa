import ServiceLifecycle
public import StewardOps

/// Runs the control plane's loops as a service; on graceful shutdown they stop, and
/// whatever was in flight is already checkpointed in the log for the next start.
public struct ControlPlaneService: Service {
    public let controlPlane: ControlPlane

    public init(controlPlane: ControlPlane) { self.controlPlane = controlPlane }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await controlPlane.run()
        } onGracefulShutdown: {
            controlPlane.shutdown()
        }
    }
}
