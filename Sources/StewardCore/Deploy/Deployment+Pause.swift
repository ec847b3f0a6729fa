import Foundation

/// Pausing a running rollout (`steward pause`) and letting it go on (`steward resume`).
///
/// A paused rollout holds at its current step: the weights stay as they are, a timed pause or an
/// analysis deadline stops counting, and a passing smoke run or analysis does not move it on. What
/// protects the old release still acts: a failing rule, a failing smoke command, a failing
/// instance and an abort roll it back as usual. On resume its timers move by the time it was
/// paused, and the step's wait starts again (its wake or deadline, or its smoke run).
extension Deployment {
    /// Why this deployment cannot be paused now; nil when it can.
    public var pauseRefusal: String? {
        if pausedAt != nil { return "deployment \(id) is already paused" }
        guard rollout != nil else {
            return "deployment \(id) is a rolling deployment; only blue/green and canary rollouts are paused"
        }
        guard phase == .rolling, batch >= batchCount else {
            let at = phase == .rolling ? "starting its new instances" : phase.rawValue
            return "deployment \(id) is \(at); only a rollout walking its steps can be paused"
        }
        return nil
    }

    /// Why this deployment cannot be resumed now; nil when it can.
    public var resumeRefusal: String? {
        guard pausedAt != nil, phase == .rolling else { return "deployment \(id) is \(phase.rawValue), not paused" }
        return nil
    }

    /// Applies a pause or a resume; nil when it changes nothing.
    mutating func handlePause(_ input: Input) -> [Effect]? {
        switch input {
        case .pause(_, let at):
            guard pauseRefusal == nil else { return nil }
            pausedAt = at
            return []
        case .resume(_, let at):
            guard resumeRefusal == nil, let pausedAt else { return nil }
            let held = max(0, at.timeIntervalSince(pausedAt))
            self.pausedAt = nil
            wakeAt = wakeAt?.addingTimeInterval(held)
            deadline = deadline?.addingTimeInterval(held)
            return resumeRollout()
        default:
            return nil
        }
    }
}
