import Foundation
public import StewardCore

extension ControlPlane {
    /// Stops a service in an environment: it keeps no current release there, so the reconciler
    /// stops its instances. Works for a service that was removed from the stack. The release it
    /// ran is remembered, so ``start(service:environment:actor:)`` runs it again.
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

    /// Takes an environment down: every service running there stops, as one `service.stopped`
    /// each, all in one append (all or none are recorded). Each can be started again with
    /// ``start(service:environment:actor:)``; other environments are untouched.
    ///
    /// - Returns: each stop with the ids of the instances that will stop, by service name (empty
    ///   when nothing ran there).
    /// - Throws: ``ControlPlaneError`` and records nothing (``StackState/stopsToTakeDown(_:reason:)``).
    public func down(environment: String, reason: String, actor: String) throws -> [(stop: ServiceStopped, instances: [String])] {
        let stops = try state.stopsToTakeDown(environment, reason: reason)
        guard !stops.isEmpty else { return [] }
        let instances = stops.map { state.releases[$0.release]?.instanceIDs ?? [] }
        try record(stops.map(StewardEvent.serviceStopped), actor: actor)
        if let agentSnapshot { reconcile(agentSnapshot) }
        return Array(zip(stops, instances)).map { (stop: $0, instances: $1) }
    }
}
