import Foundation

/// The blue/green and canary part of the state machine: walking a ``Rollout``'s steps once every
/// new instance is ready, the warm period after the switch, and the inputs only rollouts take.
///
/// When does a rollout roll back? On any of: a new instance failing (``Input/instanceFailed(_:reason:at:)``,
/// crash loops included), a failing smoke command, a failing rule (``Input/ruleFailed(reason:at:)``:
/// a rollback rule at any time the new release takes traffic, or the current analysis step's
/// rules), an analysis step that cannot pass in time (no data never passes), a person's abort
/// (``Input/abort(reason:at:)``) — also during the warm period, where it is a weight flip since
/// the old instances still run.
extension Deployment {
    /// Applies an input only rollouts take; nil when it changes nothing.
    mutating func handleRolloutInput(_ input: Input) -> [Effect]? {
        guard rollout != nil else { return nil }
        if pausedAt != nil {
            // Held at the step: only what rolls back acts (see Deployment+Pause.swift).
            switch input {
            case .smokeFailed, .ruleFailed: break
            default: return nil
            }
        }
        switch input {
        case .promote(_, let at):
            if phase == .warm, wakeAt != nil {
                // Promoted out of the warm period: stop the previous release now.
                wakeAt = nil
                return retireOldRelease(at: at)
            }
            switch currentStep {
            case .pause?, .analysis?:
                wakeAt = nil
                deadline = nil
                step += 1
                return walkSteps(at: at)
            default:
                return nil
            }

        case .wake(let at):
            guard let wakeAt, at >= wakeAt else { return nil }
            if phase == .warm {
                self.wakeAt = nil
                return retireOldRelease(at: at)
            }
            guard case .pause? = currentStep else { return nil }
            self.wakeAt = nil
            step += 1
            return walkSteps(at: at)

        case .smokePassed(let at):
            guard case .smoke? = currentStep else { return nil }
            step += 1
            return walkSteps(at: at)

        case .smokeFailed(let reason, let at):
            guard case .smoke? = currentStep else { return nil }
            return abort(because: "smoke failed: \(reason)", at: at)

        case .analysisPassed(let at):
            guard case .analysis? = currentStep else { return nil }
            deadline = nil
            step += 1
            return walkSteps(at: at)

        case .ruleFailed(let reason, let at):
            guard phase == .rolling || phase == .warm else { return nil }
            return abort(because: reason, at: at)

        case .start, .checked, .instanceReady, .instanceFailed, .instanceStopped, .deadlinePassed, .abort, .approve,
            .pause, .resume:
            return nil
        }
    }

    /// Carries out steps from the current one until one has to wait; after the last, switches.
    mutating func walkSteps(at: Date) -> [Effect] {
        guard let rollout else { return [] }
        while step < rollout.steps.count {
            switch rollout.steps[step] {
            case .weight(let share):
                weight = min(max(share, 0), 100)
                step += 1
            case .pause(let span?):
                let end = at.addingTimeInterval(span.seconds)
                wakeAt = end
                return [.scheduleWake(end)]
            case .pause(nil):
                return []  // until a person promotes
            case .analysis(let rules):
                let end = at.addingTimeInterval(Rollout.analysisTimeout(rules).seconds)
                deadline = end
                return [.scheduleDeadline(end)]
            case .smoke:
                return [.runSmoke]
            }
        }
        // Every step passed: the new release takes all the traffic.
        weight = 100
        guard rollout.keepPrevious.milliseconds > 0, !oldInstances.isEmpty else { return retireOldRelease(at: at) }
        phase = .warm
        let end = at.addingTimeInterval(rollout.keepPrevious.seconds)
        wakeAt = end
        return [.scheduleWake(end)]
    }

    /// Stops the previous release; the deployment succeeds once it is stopped.
    private mutating func retireOldRelease(at: Date) -> [Effect] {
        let old = oldInstances.filter { !retired.contains($0) }
        retired += old
        let stops: [Effect] = old.isEmpty ? [] : [.stopInstances(old)]
        return stops + (finishIfComplete(at: at) ?? [])
    }

    /// What a rollout waits on after a restart: the timer, the deadline or the smoke run of its step.
    func resumeRollout() -> [Effect] {
        if let wakeAt { return [.scheduleWake(wakeAt)] }
        switch currentStep {
        case .analysis?: return deadline.map { [.scheduleDeadline($0)] } ?? []
        case .smoke?: return [.runSmoke]  // smoke commands check, they change nothing: running them again is safe
        default: return []
        }
    }
}
