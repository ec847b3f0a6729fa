import Foundation

extension Deployment {
    /// Applies an input and returns the effects to carry out.
    ///
    /// - Returns: nil when the input changes nothing (a duplicate, or one that came too
    ///   late); the engine then records nothing and does nothing.
    public mutating func handle(_ input: Input) -> [Effect]? {
        switch input {
        case .start(let at):
            guard phase == .pending else { return nil }
            return passGates(at: at)

        case .approve(let user, let at):
            guard approvalRefusal(by: user) == nil else { return nil }
            approvals.append(user)
            return approvals.count >= approvalsRequired ? passGates(at: at) : []

        case .wake(let at) where phase == .awaitingWindow:
            guard let wakeAt, at >= wakeAt else { return nil }
            return passGates(at: at)

        case .pause, .resume:
            return handlePause(input)

        case .checked(let failures, let items, let at):
            guard phase == .checking else { return nil }
            checklistItems = items.isEmpty ? nil : items
            guard failures.isEmpty else {
                reason = "the pre-deployment checklist failed: " + failures.joined(separator: "; ")
                return finish(.failed, at: at)
            }
            phase = .rolling
            return startBatch(0, at: at)

        case .instanceReady(let id, let at):
            guard phase == .rolling, batch < batchCount, newBatch(batch).contains(id), !ready.contains(id) else {
                return nil
            }
            ready.insert(id)
            guard newBatch(batch).allSatisfy(ready.contains) else { return [] }
            if rollout != nil {
                // Every new instance is up, beside the old ones and without traffic: walk the steps.
                deadline = nil
                batch = batchCount
                return walkSteps(at: at)
            }
            // The batch is up: retire the matching old instances (those not stopped at its start) and move on.
            let old = oldBatch(batch).filter { !retired.contains($0) }
            retired += old
            deadline = nil
            batch += 1
            var effects: [Effect] = old.isEmpty ? [] : [.stopInstances(old)]
            if batch < batchCount {
                effects += startBatch(batch, at: at)
            } else if let done = finishIfComplete(at: at) {
                effects += done
            }
            return effects

        case .instanceStopped(let id, let at):
            guard !isFinished, !stopped.contains(id) else { return nil }
            stopped.insert(id)
            return finishIfComplete(at: at) ?? []

        case .instanceFailed(let id, let reason, let at):
            // With a rollout, a new instance that fails after its start (a crash loop) fails it too.
            let watched = rollout == nil ? batch < batchCount && newBatch(batch).contains(id) : newInstances.contains(id)
            guard phase == .rolling || (phase == .warm && rollout != nil), watched else { return nil }
            return abort(because: "instance \(id) failed: \(reason)", at: at)

        case .deadlinePassed(let at):
            // Paused: the deadline moves when the rollout resumes.
            guard phase == .rolling, pausedAt == nil, let deadline, at >= deadline else { return nil }
            if case .analysis(let rules)? = currentStep {
                return abort(
                    because: "step \(step + 1) (analysis) did not pass within \(Rollout.analysisTimeout(rules)): "
                        + "no verdict from too little data, or rules that never held",
                    at: at)
            }
            let waiting = newBatch(batch).filter { !ready.contains($0) }
            let names = waiting.joined(separator: ", ")
            return abort(because: "\(names) not ready within \(readinessTimeout)", at: at)

        case .abort(let reason, let at):
            guard !isFinished, phase != .aborting else { return nil }
            return abort(because: reason, at: at)

        case .promote, .wake, .smokePassed, .smokeFailed, .analysisPassed, .ruleFailed:
            return handleRolloutInput(input)
        }
    }

    /// The effects that continue this deployment after the control plane restarted.
    ///
    /// Every effect is idempotent (starts and stops are keyed by instance id), so repeating
    /// the ones that may not have completed before the crash is safe.
    public func resume() -> [Effect] {
        switch phase {
        case .pending, .succeeded, .failed, .awaitingApproval:
            return []
        case .awaitingWindow:
            return wakeAt.map { [.scheduleWake($0)] } ?? []
        case .checking:
            // Checks change nothing, and preDeploy commands must be safe to run again (migrations are).
            return [.runChecklist]
        case .rolling, .warm:
            var effects: [Effect] = []
            let pendingStops = retired.filter { !stopped.contains($0) }
            if !pendingStops.isEmpty { effects.append(.stopInstances(pendingStops)) }
            if batch < batchCount {
                effects.append(.startInstances(newBatch(batch), release: release))
                if let deadline { effects.append(.scheduleDeadline(deadline)) }
            } else if rollout != nil, pausedAt == nil {
                effects += resumeRollout()
            }
            return effects
        case .aborting:
            return abortEffects()
        }
    }

    /// New instances started so far: every batch up to and including the current one.
    public var startedNewInstances: [String] {
        if isHeld { return [] }
        return Array(newInstances.prefix(min(newInstances.count, (batch + 1) * batchSize)))
    }

    mutating func startBatch(_ index: Int, at: Date) -> [Effect] {
        let instances = newBatch(index)
        guard !instances.isEmpty else {
            // Scaling to zero: nothing to wait for, retire what remains.
            let old = oldBatch(index)
            retired += old
            batch = batchCount
            return (old.isEmpty ? [] : [.stopInstances(old)]) + (finishIfComplete(at: at) ?? [])
        }
        let deadline = at.addingTimeInterval(readinessTimeout.seconds)
        self.deadline = deadline
        // maxUnavailable: that many old instances make room at once, before their replacements are ready.
        let early = Array(oldBatch(index).prefix(unavailable)).filter { !retired.contains($0) }
        retired += early
        return (early.isEmpty ? [] : [.stopInstances(early)])
            + [.startInstances(instances, release: release), .scheduleDeadline(deadline)]
    }

    mutating func abort(because reason: String, at: Date) -> [Effect] {
        self.reason = reason
        deadline = nil
        wakeAt = nil
        // The old release takes all the traffic back in this very step: the table drops the new one.
        weight = 0
        pausedAt = nil
        if phase == .pending || phase == .checking || isHeld {
            return finish(.failed, at: at)
        }
        phase = .aborting
        return abortEffects() + (finishIfComplete(at: at) ?? [])
    }

    private func abortEffects() -> [Effect] {
        var effects: [Effect] = []
        let toStop = startedNewInstances.filter { !stopped.contains($0) }
        if !toStop.isEmpty { effects.append(.stopInstances(toStop)) }
        if !retired.isEmpty, let previousRelease { effects.append(.startInstances(retired, release: previousRelease)) }
        return effects
    }

    /// Finishes when all the work of the current phase is done.
    mutating func finishIfComplete(at: Date) -> [Effect]? {
        switch phase {
        case .rolling where rollout == nil && batch >= batchCount && retired.allSatisfy(stopped.contains):
            return finish(.succeeded, at: at)
        case .rolling, .warm:
            // A rollout is done once its steps are, the warm period is over and the old release stopped.
            guard let rollout, batch >= batchCount, step >= rollout.steps.count, wakeAt == nil,
                retired.count == oldInstances.count, retired.allSatisfy(stopped.contains)
            else { return nil }
            return finish(.succeeded, at: at)
        case .aborting where startedNewInstances.allSatisfy(stopped.contains):
            return finish(.failed, at: at)
        default:
            return nil
        }
    }

    mutating func finish(_ final: Phase, at: Date) -> [Effect] {
        phase = final
        finishedAt = at
        deadline = nil
        return [.finished(final, reason: reason)]
    }
}
