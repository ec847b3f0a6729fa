import Foundation
public import StewardCore

extension ControlPlane {
    /// Restarts a service in an environment: its current release made again under a new number
    /// (same version, overrides, service definition, dependency URLs and scale) and rolled out
    /// like any deployment, so new instances are ready before old ones stop.
    ///
    /// Runs what ran: a stack file changed since is picked up by `deploy`, not by a restart.
    /// Secrets are read again, which is what `secret rotate --restart` relies on.
    /// - Throws: ``ControlPlaneError`` and records nothing (``StackState/releaseToRestart(_:)``).
    public func restart(service: String, environment: String, actor: String) throws -> Deployment {
        let target = ServiceEnvironment(service: service, environment: environment)
        let current = try state.releaseToRestart(target)
        return try roll(current.again(number: state.nextReleaseNumber, createdAt: Date(), createdBy: actor), kind: .restart, actor: actor)
    }

    /// Scales a service in an environment to `instances`: the current release made again with
    /// that count, rolled out like any deployment. The count sticks: later deploys, restarts,
    /// rollbacks and starts there keep it until the next scale. Zero stops every instance while the
    /// service stays current (its version and count are remembered; scaling up runs it again).
    ///
    /// - Throws: ``ControlPlaneError`` and records nothing (``StackState/releaseToScale(_:to:)``).
    public func scale(service: String, environment: String, instances: Int, actor: String) throws -> Deployment {
        let target = ServiceEnvironment(service: service, environment: environment)
        let current = try state.releaseToScale(target, to: instances)
        let release = current.again(number: state.nextReleaseNumber, createdAt: Date(), createdBy: actor).scaled(to: instances)
        return try roll(release, kind: .scale, actor: actor)
    }

    /// Starts again a service that `stop` (or `down`) stopped: the release it ran, made again under
    /// a new number and rolled out like a first deployment.
    ///
    /// - Throws: ``ControlPlaneError`` and records nothing (``StackState/releaseToStart(_:)``).
    public func start(service: String, environment: String, actor: String) throws -> Deployment {
        let target = ServiceEnvironment(service: service, environment: environment)
        let stopped = try state.releaseToStart(target)
        return try roll(stopped.again(number: state.nextReleaseNumber, createdAt: Date(), createdBy: actor), kind: .start, actor: actor)
    }
}
