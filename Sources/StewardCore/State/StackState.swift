import Foundation

/// The current state of the stack: a view built by applying the event log in order.
///
/// Nothing else holds state that matters. Rebuilding it from the log after a restart gives
/// the same value, which is what lets the control plane be killed at any moment.
public struct StackState: Sendable, Equatable {
    /// The stack definition in force.
    public var stack: StackSpec?
    public var stackDigest: String?
    public var releases: [Int: Release] = [:]
    /// The release serving each service in each environment.
    public var current: [ServiceEnvironment: Int] = [:]
    /// The release each stopped service was running when `steward stop` (or `down`) stopped it:
    /// what `steward start` runs again. Cleared when a deployment there succeeds.
    public var stopped: [ServiceEnvironment: Int] = [:]
    public var deployments: [Int: Deployment] = [:]
    /// Last observed change per instance id.
    public var instances: [String: InstanceObservation] = [:]
    public var dependencies: [String: DependencyObservation] = [:]
    /// Runbook runs, by id.
    public var runbookRuns: [Int: RunbookRun] = [:]
    /// What the log says about each schedule (`backup:DEPENDENCY:ENVIRONMENT`): when it was armed, its last fire.
    public var schedules: [String: ScheduleRecord] = [:]

    public init() {}

    /// The number the next release gets.
    public var nextReleaseNumber: Int { (releases.keys.max() ?? 0) + 1 }
    /// The id the next runbook run gets.
    public var nextRunbookRunID: Int { (runbookRuns.keys.max() ?? 0) + 1 }
    /// The id the next deployment gets.
    public var nextDeploymentID: Int { (deployments.keys.max() ?? 0) + 1 }

    /// Applies one event: the fold of the log, and the only place it is decided.
    ///
    /// Events are facts: applying never fails, never runs the deployment state machine (each
    /// deployment step carries its resulting progress), and ignores references to unknown
    /// deployments. Checkpoints are derived data and change nothing here.
    public mutating func apply(_ event: StewardEvent) {
        switch event {
        case .stackApplied(let applied):
            stack = applied.spec
            stackDigest = applied.digest
        case .releaseCreated(let release):
            releases[release.number] = release
        case .deploymentCreated(let deployment):
            deployments[deployment.id] = deployment
        case .deploymentStep(let id, let input, let result):
            deployments[id]?.progress = result
            if case .checked(_, let items, _) = input, !items.isEmpty { deployments[id]?.checklistItems = items }
        case .deploymentFinished(let finished):
            if var deployment = deployments[finished.id] {
                deployment.phase = finished.phase
                deployment.reason = finished.reason
                deployment.deadline = nil
                if deployment.finishedAt == nil { deployment.finishedAt = finished.at }
                deployments[finished.id] = deployment
            }
            if finished.phase == .succeeded {
                current[finished.target] = finished.release
                stopped[finished.target] = nil
            }
        case .serviceStopped(let stop):
            if current[stop.target] == stop.release {
                current[stop.target] = nil
                stopped[stop.target] = stop.release
            }
        case .instanceObserved(let observation):
            instances[observation.instanceID] = observation
        case .dependencyObserved(let observation):
            dependencies[observation.name] = observation
        case .runbook(let event):
            if case .started(let run) = event {
                runbookRuns[run.id] = run
            } else {
                runbookRuns[event.run]?.apply(event)
            }
        case .schedule(let event):
            schedules.apply(event)
        // Backups are not folded: the store's manifests are what exists (a file can be removed
        // behind the log's back), and the events are their history. Migrations neither: each
        // database's history table is what is applied. Drills neither: their events are their history.
        case .tokenCreated, .tokenIssued, .tokenRevoked, .userAdded, .userRemoved, .secretChanged, .controlPlaneStarted,
            .checkpoint, .backup, .migration, .drill, .mirror:
            break
        }
    }

    /// The deployment in progress for a service in an environment, if any.
    public func activeDeployment(for target: ServiceEnvironment) -> Deployment? {
        deployments.values.filter { $0.target == target && !$0.isFinished }.min { $0.id < $1.id }
    }

    /// Deployments that have not finished, oldest first.
    public var activeDeployments: [Deployment] {
        deployments.values.filter { !$0.isFinished }.sorted { $0.id < $1.id }
    }

    /// The release serving a service in an environment.
    public func currentRelease(for target: ServiceEnvironment) -> Release? {
        current[target].flatMap { releases[$0] }
    }

    /// The release a stop left behind, which `steward start` runs again (nil while it runs).
    public func stoppedRelease(for target: ServiceEnvironment) -> Release? {
        stopped[target].flatMap { releases[$0] }
    }

    /// The release to return to on rollback: the one served before the current one.
    public func previousRelease(for target: ServiceEnvironment) -> Release? {
        guard let currentNumber = current[target] else { return nil }
        let served = deployments.values
            .filter { $0.target == target && $0.phase == .succeeded && $0.release != currentNumber }
            .sorted { ($0.finishedAt ?? .distantPast, $0.id) < ($1.finishedAt ?? .distantPast, $1.id) }
        return served.last.flatMap { releases[$0.release] }
    }

    /// Instance ids that should exist on the agents, with the release each belongs to.
    ///
    /// Serving releases want all their instances; a deployment in flight wants its old
    /// instances and the new ones it has started, and decides itself when they go.
    public var wantedInstances: [String: Int] {
        var wanted: [String: Int] = [:]
        for (target, number) in current where activeDeployment(for: target) == nil {
            guard let release = releases[number] else { continue }
            for id in release.instanceIDs { wanted[id] = number }
        }
        for deployment in activeDeployments {
            if let previous = deployment.previousRelease {
                for id in deployment.oldInstances where !deployment.stopped.contains(id) || deployment.phase == .aborting {
                    wanted[id] = previous
                }
            }
            for id in deployment.startedNewInstances where !deployment.stopped.contains(id) {
                wanted[id] = deployment.release
            }
        }
        return wanted
    }
}
