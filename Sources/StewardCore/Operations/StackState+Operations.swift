import Foundation

/// The day-2 decisions: what `restart`, `scale`, `start` and `down` act on, and when they refuse.
///
/// Pure: each reads the state and either names the release to roll out again (or the services
/// to stop) or throws the refusal, worded for the person who asked. The control plane records
/// and carries out what these decide. Restart, scale and start run things, so, like deploy, they
/// need the service and the environment in the stack in force; down, like stop, also stops what
/// was removed from it.
extension StackState {
    /// The instance count `steward scale` pinned for a service in an environment, if any: the
    /// pin of the release it runs, or of the one a stop left. Every new release there keeps it.
    public func scaledInstances(for target: ServiceEnvironment) -> Int? {
        (currentRelease(for: target) ?? stoppedRelease(for: target))?.scaledInstances
    }

    /// The release a restart rolls out again: the one serving now.
    ///
    /// - Throws: ``ControlPlaneError`` `.notFound` for a service or environment the stack does not
    ///   declare, or one that never ran there; `.conflict` while a deployment runs there, when the
    ///   service is stopped or scaled to 0.
    public func releaseToRestart(_ target: ServiceEnvironment) throws(ControlPlaneError) -> Release {
        try refuseUnknownNames(in: target)
        try refuseWhileDeploying(target)
        guard let current = currentRelease(for: target) else { throw notRunning(target, toDo: "restart") }
        guard current.spec.instances > 0 else {
            throw ControlPlaneError.conflict(
                "\(target) is scaled to 0, so there is nothing to restart; "
                    + "`steward scale \(target.service) --env \(target.environment) N` runs it again")
        }
        return current
    }

    /// The release a scale to `instances` copies: the one serving now.
    ///
    /// - Throws: ``ControlPlaneError`` `.invalid` for a count outside ``ServiceSpec/instanceRange``;
    ///   `.notFound` for a service or environment the stack does not declare, or one that never ran
    ///   there; `.conflict` while a deployment runs there, when the service is stopped or already
    ///   scaled to that count.
    public func releaseToScale(_ target: ServiceEnvironment, to instances: Int) throws(ControlPlaneError) -> Release {
        let range = ServiceSpec.instanceRange
        guard range.contains(instances) else {
            throw ControlPlaneError.invalid("instances must be from \(range.lowerBound) to \(range.upperBound), got \(instances)")
        }
        try refuseUnknownNames(in: target)
        try refuseWhileDeploying(target)
        guard let current = currentRelease(for: target) else { throw notRunning(target, toDo: "scale") }
        if current.scaledInstances == instances {
            throw ControlPlaneError.conflict("\(target) is already scaled to \(instances) instance(s) (release r\(current.number))")
        }
        return current
    }

    /// The release a start runs again: the one a stop stopped.
    ///
    /// - Throws: ``ControlPlaneError`` `.notFound` for a service or environment the stack does not
    ///   declare (a removed service is not started again), or when it was never deployed there;
    ///   `.conflict` while a deployment runs there or when it already runs.
    public func releaseToStart(_ target: ServiceEnvironment) throws(ControlPlaneError) -> Release {
        try refuseUnknownNames(in: target)
        try refuseWhileDeploying(target)
        if let current = currentRelease(for: target) {
            throw ControlPlaneError.conflict("\(target) is already running (release r\(current.number)); nothing to start")
        }
        guard let stopped = stoppedRelease(for: target) else {
            throw ControlPlaneError.notFound(
                "\(target) has no stopped release to start: it was never deployed there; "
                    + "`steward deploy \(target.service) --env \(target.environment) --version V` deploys it")
        }
        return stopped
    }

    /// The stops that take an environment down: one per service running there, by service name.
    ///
    /// A service scaled to 0 counts as running (its release is current) and is stopped too, so a
    /// later `start` brings back what ran. An environment with nothing running needs no stop.
    /// - Throws: ``ControlPlaneError`` `.notFound` for an environment the stack does not declare
    ///   and nothing runs in; `.conflict` while any deployment runs there (naming each).
    public func stopsToTakeDown(_ environment: String, reason: String) throws(ControlPlaneError) -> [ServiceStopped] {
        let running = current.filter { $0.key.environment == environment }
        if running.isEmpty, let stack, stack.environment(named: environment) == nil {
            throw ControlPlaneError.notFound(
                "unknown environment '\(environment)'; the stack has: \(stack.environments.map(\.name).joined(separator: ", "))")
        }
        let deploying = activeDeployments.filter { $0.target.environment == environment }
        if !deploying.isEmpty {
            let list = deploying.map { "deployment \($0.id) of \($0.target) is still \($0.phase.rawValue)" }
            throw ControlPlaneError.conflict("cannot take \(environment) down: \(list.joined(separator: "; ")); wait for it or abort it")
        }
        return running.sorted { $0.key.service < $1.key.service }.map {
            ServiceStopped(target: $0.key, release: $0.value, reason: reason)
        }
    }

    /// Refuses while a deployment of the target is in flight: one change at a time.
    func refuseWhileDeploying(_ target: ServiceEnvironment) throws(ControlPlaneError) {
        if let active = activeDeployment(for: target) {
            throw ControlPlaneError.conflict("deployment \(active.id) of \(target) is still \(active.phase.rawValue); wait for it or abort it")
        }
    }

    /// Why a target without a current release cannot be restarted or scaled.
    private func notRunning(_ target: ServiceEnvironment, toDo verb: String) -> ControlPlaneError {
        if let stopped = stoppedRelease(for: target) {
            return .conflict(
                "\(target) is stopped; `steward start \(target.service) --env \(target.environment)` runs release "
                    + "r\(stopped.number) again, then \(verb) it")
        }
        return .notFound(
            "\(target) is not running: it was never deployed there; "
                + "`steward deploy \(target.service) --env \(target.environment) --version V` deploys it")
    }

    /// Refuses a service or an environment the stack in force does not declare.
    private func refuseUnknownNames(in target: ServiceEnvironment) throws(ControlPlaneError) {
        guard let stack else { throw ControlPlaneError.notFound("no stack is loaded") }
        if stack.service(named: target.service) == nil {
            throw ControlPlaneError.notFound(
                "unknown service '\(target.service)'; the stack has: \(stack.services.map(\.name).joined(separator: ", "))")
        }
        if stack.environment(named: target.environment) == nil {
            throw ControlPlaneError.notFound(
                "unknown environment '\(target.environment)'; the stack has: "
                    + stack.environments.map(\.name).joined(separator: ", "))
        }
    }
}
