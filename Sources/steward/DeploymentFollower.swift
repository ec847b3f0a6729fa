import Foundation
import StewardCore
import StewardServer

/// Prints a deployment's progress as it happens and turns its outcome into an exit code.
///
/// A blue/green or canary deployment also shows, once a second, the step it is at, the weights
/// and each release's requests, error rate and p95/p99 over the last ``metricsWindow``
/// (`GET /api/v1/deployments/{id}/metrics`), with its rules' latest verdicts: redrawn in place
/// when stderr is a terminal, otherwise a line when the step changes and the numbers every
/// ``lineInterval``. Results go to stdout; progress to stderr.
struct DeploymentFollower {
    let client: APIClient
    let output: OutputFormat

    /// The window the live numbers cover.
    static let metricsWindow = "10s"
    /// How often the numbers are printed when stderr is not a terminal.
    static let lineInterval: TimeInterval = 5

    /// What following expects of the deployment.
    enum Expectation {
        /// It should succeed: exit 0 when it does, 4 when a rule rolled it back, 1 otherwise.
        case success
        /// It was aborted on purpose (an instant rollback): it ends failed, which is what was asked; exit 0.
        case abort
    }

    func report(
        _ deployment: Deployment, initialData: Data, wait: Bool, timeout: Int, expecting expectation: Expectation = .success
    ) async throws {
        guard wait else {
            if output == .json { return printJSON(initialData) }
            if expectation == .success {
                print(Self.heldLine(deployment) ?? "deployment \(deployment.id) started: \(deployment.target) → release r\(deployment.release)\(Self.plan(deployment)) (follow with `steward status`)")
            }
            return
        }
        let deadline = ContinuousClock.now + .seconds(timeout)
        // Progress goes to stderr in either format: stdout keeps only the result (the final deployment in JSON).
        let display = ProgressDisplay(enabled: true, terminal: isatty(STDERR_FILENO) != 0)
        var current = deployment
        var data = initialData
        var etag: String?  // of the last answer; none yet for the POST's
        var metrics: RolloutMetricsView?
        var metricsNote: String?
        var measuring = deployment.rollout != nil
        var lastMeasured = ContinuousClock.now - .seconds(60)
        while true {
            if measuring, ContinuousClock.now - lastMeasured >= .seconds(1) {
                lastMeasured = ContinuousClock.now
                do {
                    metrics = try await client.get(
                        "/api/v1/deployments/\(current.id)/metrics?window=\(Self.metricsWindow)", as: RolloutMetricsView.self)
                    metricsNote = nil
                } catch CLIError.refused(409, let message, _) {
                    metricsNote = "no live numbers: \(message)"
                    measuring = false  // nothing measures traffic: it will not change while we follow
                } catch CLIError.refused(_, let message, _) {
                    metricsNote = "no live numbers: \(message)"
                }
            }
            display.show(lines(current, metrics: metrics, note: metricsNote))
            let now = ContinuousClock.now
            if current.isFinished || now >= deadline { break }
            // A long poll: the answer comes when the deployment changes (or, with live numbers
            // to redraw, after a second at most), not on a polling tick.
            let wait = min(deadline - now, measuring ? .seconds(1) : .seconds(30))
            if let changed = try await client.changed(
                "/api/v1/deployments/\(current.id)", since: etag, waitMs: Int(wait.wholeMilliseconds))
            {
                (data, etag) = changed
                current = try JSONDecoder.steward.decode(Deployment.self, from: data)
            }
        }
        display.finish()
        if output == .json { printJSON(data) }
        // What the checklist reported (the pending migrations and their fate), before the outcome.
        if output == .text { for item in current.checklistItems ?? [] { print("checklist: \(item)") } }
        switch (current.phase, expectation) {
        case (.succeeded, .success):
            if output == .text { print("deployment \(current.id) succeeded: \(current.target) runs release r\(current.release)") }
        case (.failed, .abort):
            if output == .text {
                print("deployment \(current.id) rolled back: \(current.target) runs release r\(current.previousRelease.map(String.init) ?? "?") again")
            }
        case (.failed, .success):
            let reason = current.reason ?? "no reason recorded"
            if (try? JSONDecoder.steward.decode(RuleFailedFlag.self, from: data).ruleFailed) == true {
                throw CLIError.rolledBack("deployment \(current.id) was rolled back by a rule: \(reason)")
            }
            throw CLIError.failed("deployment \(current.id) failed: \(reason)")
        case (.succeeded, .abort):
            throw CLIError.failed("deployment \(current.id) succeeded instead of rolling back")
        default:
            throw CLIError.failed(
                "deployment \(current.id) still \(current.phase.rawValue) after \(timeout)s (it goes on; see `steward status`)")
        }
    }

    /// What a deployment that waits for approvals or its window waits for; nil when it does not wait.
    static func heldLine(_ deployment: Deployment) -> String? {
        let head = "deployment \(deployment.id) of \(deployment.target) → release r\(deployment.release)"
        switch deployment.phase {
        case .awaitingApproval:
            return "\(head) awaits approval: \(deployment.approvals.count) of \(deployment.approvalsRequired) "
                + "(`steward approve \(deployment.id)` by users other than \(deployment.requestedBy); `steward abort \(deployment.id)` cancels it)"
        case .awaitingWindow:
            let opening = deployment.wakeAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
            return "\(head) waits for its window (\(deployment.window?.source ?? "?")) to open at \(opening); "
                + "`steward abort \(deployment.id)` cancels it"
        default:
            return nil
        }
    }

    /// ` (canary: weight 20% → analysis: … → weight 100%)`, or nothing for a rolling deployment.
    static func plan(_ deployment: Deployment) -> String {
        guard let rollout = deployment.rollout else { return "" }
        return " (\(rollout.strategy.rawValue): " + rollout.steps.map(\.description).joined(separator: " → ") + ")"
    }

    /// What to show now: the step line, then for a rollout the weights, each release and each rule.
    private func lines(_ deployment: Deployment, metrics: RolloutMetricsView?, note: String?) -> ProgressDisplay.Frame {
        guard let rollout = deployment.rollout else {
            return .init(head: [progressLine(deployment)], numbers: [])
        }
        let step = RolloutText.stepLine(phase: deployment.phase.rawValue, step: deployment.step, steps: rollout.steps.map(\.description))
        var head = [
            "[\(deployment.id)] \(rollout.strategy.rawValue) of \(deployment.target) r\(deployment.release) \(deployment.phase.rawValue)"
                + (step.isEmpty ? "" : ": " + step)
                + (deployment.currentStep == nil && deployment.phase == .rolling && deployment.batch < deployment.batchCount
                    ? " (new instances ready \(deployment.ready.count)/\(deployment.newInstances.count))" : "")
                + (deployment.reason.map { " — \($0)" } ?? ""),
        ]
        head.append("  traffic: " + (deployment.previousRelease.map { "stable r\($0) \(100 - deployment.weight)% · " } ?? "")
            + "\(rollout.releaseName) r\(deployment.release) \(deployment.weight)%")
        if case .pause(nil)? = deployment.currentStep {
            head.append("  waiting for `steward promote \(deployment.id)`")
        }
        var numbers: [String] = []
        if let wakeAt = deployment.wakeAt {
            let left = max(0, Int(wakeAt.timeIntervalSinceNow.rounded(.up)))
            numbers.append(
                deployment.phase == .warm
                    ? "  the previous release stops in \(left)s (`steward rollback` flips back until then)"
                    : "  the pause ends in \(left)s (`steward promote \(deployment.id)` ends it now)")
        }
        if let metrics {
            numbers += metrics.releases.map { "  " + RolloutText.release($0) + " (last \(metrics.windowSeconds)s)" }
            numbers += metrics.rules.map { "  " + RolloutText.rule($0) }
        }
        if let note { numbers.append("  " + note) }
        return .init(head: head, numbers: numbers)
    }

    private func progressLine(_ deployment: Deployment) -> String {
        let readyCount = deployment.ready.count
        let stoppedOld = deployment.oldInstances.filter(deployment.stopped.contains).count
        return "[\(deployment.id)] \(deployment.kind.rawValue) r\(deployment.release) \(deployment.phase.rawValue): "
            + "new ready \(readyCount)/\(deployment.newInstances.count), old stopped \(stoppedOld)/\(deployment.oldInstances.count)"
            + (deployment.reason.map { " — \($0)" } ?? "")
    }
}

/// Draws progress on stderr: in place on a terminal, as lines otherwise.
///
/// A frame has a head (the step: printed as a line whenever it changes) and numbers (printed as
/// lines at most every ``DeploymentFollower/lineInterval``, when they changed). On a terminal the
/// whole frame is redrawn over the previous one.
final class ProgressDisplay {
    struct Frame: Equatable {
        var head: [String]
        var numbers: [String]
    }

    let enabled: Bool
    let terminal: Bool
    private var drawnLines = 0
    private var lastHead: [String] = []
    private var lastNumbers: [String] = []
    private var lastNumbersAt = Date.distantPast
    private var latestNumbers: [String] = []

    init(enabled: Bool, terminal: Bool) {
        self.enabled = enabled
        self.terminal = terminal
    }

    func show(_ frame: Frame) {
        guard enabled else { return }
        if terminal {
            guard frame.head != lastHead || frame.numbers != lastNumbers else { return }
            // Up to the first line drawn, clear to the end of the screen, draw again.
            var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)F\u{1B}[J" : ""
            let lines = frame.head + frame.numbers
            text += lines.map { $0 + "\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
            drawnLines = lines.count
            lastHead = frame.head
            lastNumbers = frame.numbers
            return
        }
        latestNumbers = frame.numbers
        if frame.head != lastHead {
            frame.head.forEach(printError)
            lastHead = frame.head
        }
        if frame.numbers != lastNumbers, !frame.numbers.isEmpty,
            Date().timeIntervalSince(lastNumbersAt) >= DeploymentFollower.lineInterval
        {
            frame.numbers.forEach(printError)
            lastNumbers = frame.numbers
            lastNumbersAt = Date()
        }
    }

    /// Leaves the last frame on screen; on lines, prints the latest numbers if they were not yet.
    func finish() {
        guard enabled, !terminal, latestNumbers != lastNumbers else { return }
        latestNumbers.forEach(printError)
        lastNumbers = latestNumbers
    }
}
