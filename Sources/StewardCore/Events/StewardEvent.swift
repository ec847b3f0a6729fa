import Foundation

/// Every change of state in Steward, as it is written to the event log.
///
/// The log is the source of truth: ``StackState`` is the fold of these events in order
/// (``StackState/apply(_:)``), and the audit trail is the same stream. An event is appended
/// (durably) before the effect it causes runs. Events record outcomes as facts: a deployment
/// step carries the deployment's resulting progress, so folding never runs the state machine.
///
/// Each case has a documented JSON shape with a version (`docs/events.md`), written by hand in
/// ``encoded()`` and read by ``decode(seq:type:subject:payload:)``.
public enum StewardEvent: Sendable, Equatable {
    /// A stack file was validated and became the current definition.
    case stackApplied(StackApplied)
    /// A release was made: a version of a service for an environment, with its settings.
    case releaseCreated(Release)
    /// A deployment was planned; the value is its initial (pending) state.
    case deploymentCreated(Deployment)
    /// Something happened to a deployment, and the progress it resulted in.
    case deploymentStep(id: Int, Deployment.Input, result: Deployment.Progress)
    /// A deployment reached a final phase; a success makes its release the current one.
    case deploymentFinished(DeploymentFinished)
    /// A service stopped running in an environment (it has no current release there any more).
    case serviceStopped(ServiceStopped)
    /// An instance's observed state changed (ready, not ready, exited, adopted…).
    case instanceObserved(InstanceObservation)
    /// A dependency became reachable or unreachable.
    case dependencyObserved(DependencyObservation)
    /// An API token was created (its secret is never in the log).
    case tokenCreated(name: String, role: String)
    /// A token was created for a user (`token.created` with `user` and `expires`; its secret is never in the log).
    case tokenIssued(TokenIssued)
    /// A token was revoked.
    case tokenRevoked(TokenRevoked)
    /// A user was added with roles.
    case userAdded(UserAdded)
    /// A user was removed, and their tokens revoked.
    case userRemoved(UserRemoved)
    /// A secret of the vault was set, rotated or removed (never its value).
    case secretChanged(SecretChanged)
    /// Something happened to a runbook run (`runbook.*`).
    case runbook(RunbookEvent)
    /// Something happened to a backup (`backup.*`); the store's manifests say what exists.
    case backup(BackupEvent)
    /// A schema migration run did something (`migration.*`); the database's history table says what is applied.
    case migration(MigrationEvent)
    /// A bucket mirror was synced or restored (`mirror.*`); the mirror's manifest says what it holds.
    case mirror(MirrorEvent)
    /// The scheduler armed, fired or disarmed a schedule (`schedule.*`); folded into ``StackState/schedules``.
    case schedule(ScheduleEvent)
    /// A disaster-recovery drill started, completed or failed (`drill.*`); not folded (the events are its history).
    case drill(DrillEvent)
    /// The control plane started and resumed from the log.
    case controlPlaneStarted(ControlPlaneStarted)
    /// The folded state up to an event, so start-up need not fold the whole history.
    case checkpoint(StateCheckpoint)

    /// True for events that only inform: folding may skip them when it does not know them.
    public var isInformational: Bool {
        switch self {
        case .instanceObserved, .dependencyObserved, .controlPlaneStarted, .checkpoint: true
        default: false
        }
    }
}
