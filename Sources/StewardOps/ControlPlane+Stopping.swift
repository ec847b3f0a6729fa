import Foundation
public import StewardCore

extension ControlPlane {
    /// Stops a service in an environment: it keeps no current release there, so the reconciler
    /// stops its instances. Works for a service that was removed from the stack.
    ///
    /// - Returns: the ids of the instances that will stop.
    /// - Throws: ``ControlPlaneError`` and records nothing when the service does not run there
    ///   or a deployment of it is in flight.
    public func stop(service: String, environment: String, reason: String, actor: String) throws -> [String] {
        let target = ServiceEnvironment(service: service, environment: environment)
        if let active = state.activeDeployment(for: target) {
            throw ControlPlaneError.conflict("deployment \(active.id) of \(target) is still \(active.phase.rawValue); abort it first")
        }
        guard let release = state.currentRelease(for: target) else {
            throw ControlPlaneError.notFound("\(target) has no running release")
        }
        try record([.serviceStopped(ServiceStopped(target: target, release: release.number, reason: reason))], actor: actor)
        // Act now rather than at the agent's next snapshot.
        if let agentSnapshot { reconcile(agentSnapshot) }
        return release.instanceIDs
    }
}
