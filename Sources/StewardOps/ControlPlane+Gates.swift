import Foundation
public import StewardCore
import StewardStore

/// Approvals, windows, pauses and promotions: the requests that hold a deployment or let it go on.
///
/// Every decision is the state machine's (Deployment+Gates.swift, Deployment+Pause.swift) or the
/// state's (StackState+Promotion.swift); this file checks the request against it, so a refusal is a
/// clear error that records nothing, and otherwise feeds the input (recorded before its effects).
extension ControlPlane {
    /// Records `actor`'s approval of a deployment that waits for approvals; the last one needed starts
    /// it (or makes it wait for its window).
    /// - Throws: ``ControlPlaneError`` `.notFound` for an unknown deployment; `.conflict` when it waits
    ///   for no approval, or `actor` requested it or already approved it.
    public func approve(deployment id: Int, actor: String) throws -> Deployment {
        let deployment = try existing(id)
        if let refusal = deployment.approvalRefusal(by: actor) { throw ControlPlaneError.conflict(refusal) }
        handle(id, .approve(by: actor, at: Date()), actor: actor)
        return state.deployments[id] ?? deployment
    }

    /// Holds a running blue/green or canary rollout at its current step.
    /// - Throws: ``ControlPlaneError`` `.conflict` when it is not a rollout walking its steps, or is paused.
    public func pause(deployment id: Int, actor: String) throws -> Deployment {
        let deployment = try existing(id)
        if let refusal = deployment.pauseRefusal { throw ControlPlaneError.conflict(refusal) }
        handle(id, .pause(by: actor, at: Date()), actor: actor)
        return state.deployments[id] ?? deployment
    }

    /// Lets a paused rollout go on; its timers move by the time it was paused.
    /// - Throws: ``ControlPlaneError`` `.conflict` when it is not paused.
    public func resume(deployment id: Int, actor: String) throws -> Deployment {
        let deployment = try existing(id)
        if let refusal = deployment.resumeRefusal { throw ControlPlaneError.conflict(refusal) }
        handle(id, .resume(by: actor, at: Date()), actor: actor)
        return state.deployments[id] ?? deployment
    }

    /// Deploys to `target` exactly the release serving `service` in `source` (its version and `--set`
    /// overrides), once it has been healthy there for the source's `minimumHealthyTime`; the
    /// deployment waits for the target's approvals and window like any other.
    /// - Throws: ``ControlPlaneError``, recording nothing: see ``StackState/releaseToPromote(_:from:to:)``;
    ///   `.conflict` naming how long it has been healthy and what is required.
    public func promote(
        service: String, from source: String, to target: String, overrideWindow: String? = nil, actor: String
    ) throws -> Deployment {
        let origin = try state.releaseToPromote(service, from: source, to: target)
        // A bad override is refused before anything is measured: every bad input gets its own error.
        _ = try Self.gates(in: state.stack?.environment(named: target), overrideWindow: overrideWindow, actor: actor)
        let serving = state.servingSince(ServiceEnvironment(service: service, environment: source)) ?? origin.createdAt
        let healthy = HealthHistory.healthySince(
            instances: origin.instanceIDs, servingSince: serving, observations: try observations(of: origin.instanceIDs))
        let required = state.stack?.environment(named: source)?.minimumHealthyTime
        if let refusal = HealthHistory.promotionRefusal(of: origin, healthySince: healthy, required: required, now: Date()) {
            throw ControlPlaneError.conflict(refusal)
        }
        var deployment = try deploy(
            service: service, environment: target, version: origin.version, overrides: origin.overrides,
            overrideWindow: overrideWindow, actor: actor, promotedFrom: .init(environment: source, release: origin.number))
        deployment = state.deployments[deployment.id] ?? deployment
        return deployment
    }

    /// The gates of a deployment to an environment: its approvals and window, and the override asked for.
    static func gates(in environment: EnvironmentSpec?, overrideWindow: String?, actor: String) throws -> Deployment.Gates {
        var gates = Deployment.Gates(approvalsRequired: environment?.approvals ?? 0, window: environment?.window)
        if let reason = overrideWindow {
            let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw ControlPlaneError.invalid("overrideWindow needs a reason: say why it must run outside the window")
            }
            if gates.window != nil { gates.windowOverride = .init(by: actor, reason: trimmed) }
        }
        return gates
    }

    /// Every recorded readiness change of these instances, with its time (the latest 200 of each).
    private func observations(of instances: [String]) throws -> [HealthHistory.Observation] {
        try instances.flatMap { instance in
            try log.latestEvents(limit: 200, typePrefix: "instance.", subjectPrefix: "instance/\(instance)").compactMap { record in
                InstanceObservation.Change(rawValue: String(record.type.dropFirst("instance.".count)))
                    .map { HealthHistory.Observation(instance: instance, change: $0, at: record.time) }
            }
        }
    }

    private func existing(_ id: Int) throws -> Deployment {
        guard let deployment = state.deployments[id] else { throw ControlPlaneError.notFound("no deployment \(id)") }
        return deployment
    }
}
