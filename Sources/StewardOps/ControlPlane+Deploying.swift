import Logging
import Foundation
public import StewardCore

extension ControlPlane {
    /// Plans and starts a deployment of `version` of a service to an environment.
    ///
    /// Checks everything it can before writing anything: the service and environment
    /// exist, nothing else is deploying there, and every instance spec resolves (secrets,
    /// dependency URLs). Then it records the release and the deployment and starts it.
    /// - Parameter strategy: instead of the service's `deploy.strategy` (`steward deploy --strategy`).
    /// - Throws: ``ControlPlaneError`` and changes nothing when the request cannot be carried out.
    /// - Parameter overrideWindow: why it starts now although the environment's window is closed
    ///   (`--override-window --reason`); recorded with the actor. Must not be empty.
    /// - Parameter promotedFrom: the release this one promotes (``promote(service:from:to:overrideWindow:actor:)``).
    public func deploy(
        service: String, environment: String, version: String, overrides: [String: String] = [:],
        strategy: DeployPolicy.Strategy? = nil, overrideWindow: String? = nil, actor: String,
        promotedFrom: Deployment.PromotionSource? = nil
    ) throws -> Deployment {
        guard let stack = state.stack else { throw ControlPlaneError.invalid("no stack is loaded") }
        guard stack.service(named: service) != nil else {
            let known = stack.services.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound("unknown service '\(service)'; the stack has: \(known)")
        }
        guard let effective = stack.effectiveService(service, in: environment) else {
            let known = stack.environments.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.notFound("unknown environment '\(environment)'; the stack has: \(known)")
        }
        try Self.validate(version: version)
        var gates = try Self.gates(in: stack.environment(named: environment), overrideWindow: overrideWindow, actor: actor)
        gates.promotedFrom = promotedFrom
        for key in overrides.keys where !Self.isValidVariableName(key) {
            throw ControlPlaneError.invalid("'\(key)' is not a valid environment variable name; expected [A-Za-z_][A-Za-z0-9_]*")
        }
        let target = ServiceEnvironment(service: service, environment: environment)
        if let active = state.activeDeployment(for: target) {
            if active.phase == .warm {
                throw ControlPlaneError.conflict(
                    "deployment \(active.id) of \(target) keeps the previous release warm; `steward promote \(active.id)` "
                        + "stops it now, `steward rollback` returns to it")
            }
            throw ControlPlaneError.conflict("deployment \(active.id) of \(target) is still \(active.phase.rawValue)")
        }
        // A count set by `steward scale` sticks: the new version runs that many until the next scale.
        let release = Release(
            number: state.nextReleaseNumber, service: service, environment: environment, version: version,
            overrides: overrides, spec: effective,
            dependencyURLs: Dictionary(stack.dependencies.map { ($0.name, $0.url) }, uniquingKeysWith: { first, _ in first }),
            scaledInstances: state.scaledInstances(for: target), createdAt: Date(), createdBy: actor)
        return try roll(
            release, kind: .deploy, rollout: Rollout.planned(by: effective.deploy, strategy: strategy),
            checklist: needsChecklist(release), gates: gates, actor: actor)
    }

    /// Returns a target to the release that served before the current one.
    ///
    /// While a blue/green or canary deployment keeps the previous release warm, that is one
    /// weight flip: the deployment is aborted, the old instances (still running and ready) take
    /// all the traffic in the same step, the new ones stop. Otherwise it deploys the previous
    /// release again, with its exact settings.
    /// - Parameter release: an older release of the target to return to instead (`--to`).
    /// - Throws: ``ControlPlaneError`` when there is nothing to return to.
    public func rollback(service: String, environment: String, to release: Int? = nil, actor: String) throws -> Deployment {
        let target = ServiceEnvironment(service: service, environment: environment)
        guard state.stack?.effectiveService(service, in: environment) != nil else {
            throw ControlPlaneError.notFound("unknown service or environment: \(target)")
        }
        if let warm = state.activeDeployment(for: target), warm.phase == .warm, let previous = warm.previousRelease,
            release == nil || release == previous
        {
            return try abort(deployment: warm.id, reason: "rolled back to the warm previous release", actor: actor)
        }
        if let active = state.activeDeployment(for: target) {
            throw ControlPlaneError.conflict(
                "deployment \(active.id) of \(target) is still \(active.phase.rawValue); abort it instead")
        }
        let previous: Release
        if let release {
            guard let chosen = state.releases[release], chosen.service == service, chosen.environment == environment else {
                throw ControlPlaneError.notFound("release \(release) is not a release of \(target); `steward releases` lists them")
            }
            guard release != state.currentRelease(for: target)?.number else {
                throw ControlPlaneError.conflict("release \(release) is what \(target) runs now")
            }
            previous = chosen
        } else {
            guard let last = state.previousRelease(for: target) else {
                throw ControlPlaneError.invalid("\(target) has no earlier release to roll back to")
            }
            previous = last
        }
        // A rollback is a new release with the old one's version, settings and service definition;
        // it returns to a version, never undoes a scale: the pinned count stays.
        var release = previous.again(number: state.nextReleaseNumber, createdAt: Date(), createdBy: actor)
        if let pinned = state.scaledInstances(for: target) { release = release.scaled(to: pinned) }
        return try roll(release, kind: .rollback, actor: actor)
    }

    /// Rolls a new release out in place of the target's current one (if any): plans the rolling
    /// deployment, records the release and the deployment in one append, then starts it.
    ///
    /// - Throws: ``ControlPlaneError`` `.invalid`, recording nothing, when an instance spec does not resolve.
    /// - Parameter gates: what it waits for before it starts (approvals, a window); only deploys and
    ///   promotions have any: a rollback, restart, scale or start returns to something that already ran.
    func roll(
        _ release: Release, kind: Deployment.Kind, rollout: Rollout? = nil, checklist: Bool = false,
        gates: Deployment.Gates = Deployment.Gates(), actor: String
    ) throws -> Deployment {
        try checkResolvable(release)
        let target = ServiceEnvironment(service: release.service, environment: release.environment)
        let current = state.currentRelease(for: target)
        let deployment = Deployment(
            id: state.nextDeploymentID, kind: kind, target: target, release: release.number,
            previousRelease: current?.number, oldInstances: current?.instanceIDs ?? [],
            // A batch starts maxSurge + maxUnavailable new instances and first stops maxUnavailable old ones.
            newInstances: release.instanceIDs, batchSize: release.spec.deploy.maxSurge + release.spec.deploy.maxUnavailable,
            readinessTimeout: release.spec.deploy.readinessTimeout, unavailable: release.spec.deploy.maxUnavailable,
            rollout: rollout, checklist: checklist,
            requestedBy: actor, createdAt: Date(), gates: gates)
        try begin(deployment, of: release, actor: actor)
        return state.deployments[deployment.id] ?? deployment
    }

    /// Aborts a deployment in progress: its new instances stop and the old ones stay or return.
    public func abort(deployment id: Int, reason: String, actor: String) throws -> Deployment {
        guard let deployment = state.deployments[id] else { throw ControlPlaneError.notFound("no deployment \(id)") }
        guard !deployment.isFinished else {
            throw ControlPlaneError.conflict("deployment \(id) already \(deployment.phase.rawValue)")
        }
        handle(id, .abort(reason: "aborted by \(actor): \(reason)", at: Date()), actor: actor)
        return state.deployments[id] ?? deployment
    }

    /// Moves a blue/green or canary deployment on: past its pause or analysis step, or out of
    /// its warm period (the previous release stops now).
    /// - Throws: ``ControlPlaneError`` `.conflict` when it is at no step a person can promote.
    public func promote(deployment id: Int, actor: String) throws -> Deployment {
        guard let deployment = state.deployments[id] else { throw ControlPlaneError.notFound("no deployment \(id)") }
        guard deployment.rollout != nil else {
            throw ControlPlaneError.conflict("deployment \(id) is rolling; only blue/green and canary deployments are promoted")
        }
        if deployment.pausedAt != nil {
            throw ControlPlaneError.conflict("deployment \(id) is paused; `steward resume \(id)` lets it go on first")
        }
        var probe = deployment
        guard probe.handle(.promote(by: actor, at: Date())) != nil else {
            let at = deployment.currentStep.map { "at step \(deployment.step + 1) (\($0))" } ?? deployment.phase.rawValue
            throw ControlPlaneError.conflict(
                "deployment \(id) is \(at); only a pause, an analysis or the warm period can be promoted")
        }
        handle(id, .promote(by: actor, at: Date()), actor: actor)
        return state.deployments[id] ?? deployment
    }

    /// Feeds an input to a deployment: decide, record, then act.
    func handle(_ id: Int, _ input: Deployment.Input, actor: String = "steward") {
        guard var deployment = state.deployments[id], let effects = deployment.handle(input) else { return }
        let events = Self.facts(of: input, leading: deployment, to: effects)
        do {
            try record(events, actor: actor)
        } catch {
            logger.error("cannot record \(input.name) of deployment \(id): \(error)")
            return
        }
        perform(effects, deployment: id)
    }

    /// Records a new release, its deployment and the deployment's start in one append (one
    /// durable write before anything runs), then starts acting on it.
    private func begin(_ deployment: Deployment, of release: Release, actor: String) throws {
        var started = deployment
        let input = Deployment.Input.start(at: Date())
        let effects = started.handle(input) ?? []
        var events: [StewardEvent] = [.releaseCreated(release), .deploymentCreated(deployment)]
        if !effects.isEmpty || started != deployment { events += Self.facts(of: input, leading: started, to: effects) }
        try record(events, actor: actor)
        perform(effects, deployment: deployment.id)
    }

    /// The facts of one step: what happened, the progress it led to and, in the same append, the outcome.
    static func facts(of input: Deployment.Input, leading deployment: Deployment, to effects: [Deployment.Effect])
        -> [StewardEvent]
    {
        var events: [StewardEvent] = [.deploymentStep(id: deployment.id, input, result: deployment.progress)]
        for case .finished(let phase, let reason) in effects {
            events.append(.deploymentFinished(DeploymentFinished(
                id: deployment.id, target: deployment.target, release: deployment.release, phase: phase, reason: reason,
                at: deployment.finishedAt ?? input.at)))
        }
        return events
    }

    func perform(_ effects: [Deployment.Effect], deployment id: Int) {
        for effect in effects {
            if case .finished(let phase, let reason) = effect {
                // Recorded with the step that finished it (see handle); that event is the durable marker.
                logger.info("deployment \(id) \(phase.rawValue)\(reason.map { ": \($0)" } ?? "")")
                jobSink.yield(.marker(id))
            } else {
                jobSink.yield(.deploymentEffect(id, effect))
            }
        }
    }

    private func checkResolvable(_ release: Release) throws {
        guard let planner else { throw ControlPlaneError.invalid("no stack is loaded") }
        do {
            _ = try planner.instanceSpec(release.instanceID(0), of: release)
        } catch {
            throw ControlPlaneError.invalid("cannot prepare \(release.service) \(release.version): \(error)")
        }
    }

    static func validate(version: String) throws {
        if let problem = VersionLabel.problem(in: version) { throw ControlPlaneError.invalid("version \(problem)") }
    }

    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || (($0.isASCII) && CharacterSet.alphanumerics.contains($0)) }
    }
}
