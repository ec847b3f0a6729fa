import Foundation
import StewardServer

/// `"ruleFailed": true` of `GET /api/v1/deployments/{id}`: a rule rolled the deployment back.
struct RuleFailedFlag: Decodable {
    var ruleFailed: Bool?
}

/// How a rollout's progress reads: the lines the follower draws, pure so they can be pinned.
enum RolloutText {
    /// `12.5%`, `0%`, `—` when there was no request.
    static func percent(_ fraction: Double?) -> String {
        guard let fraction else { return "—" }
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.2f%%", value)
    }

    /// `41ms`, `1.25s`, `—`.
    static func latency(_ milliseconds: Double?) -> String {
        guard let milliseconds else { return "—" }
        return milliseconds < 1000 ? "\(Int(milliseconds.rounded()))ms" : String(format: "%.2fs", milliseconds / 1000)
    }

    /// `step 2/3: analysis: error_rate > 5% for 3s`, what the phase means when no step is being
    /// walked, or nothing once the deployment finished (its phase and reason say it all).
    static func stepLine(phase: String, step: Int?, steps: [String]) -> String {
        switch phase {
        case "warm": return "warm: all traffic on the new release; the previous one is kept running for an instant rollback"
        case "pending": return "waiting to start"
        case "aborting": return "rolling back"
        case "succeeded", "failed": return ""
        default:
            guard let step, !steps.isEmpty else { return phase }
            guard step < steps.count else { return "step \(steps.count)/\(steps.count): done" }
            return "step \(step + 1)/\(steps.count): \(steps[step])"
        }
    }

    /// `canary r2: 101 requests, 4.95% errors, p95 4ms, p99 9ms, 10.1/s`.
    static func release(_ release: RolloutMetricsView.ReleaseMetrics) -> String {
        guard release.measured else { return "\(release.role) r\(release.release): no traffic measured" }
        return "\(release.role) r\(release.release): \(count(release.requests)) requests, \(percent(release.errorRate)) errors, "
            + "p95 \(latency(release.p95Ms)), p99 \(latency(release.p99Ms)), \(String(format: "%.1f", release.requestsPerSecond))/s"
    }

    /// `rollback rule error_rate > 5% for 3s: passing (measured 0%)`.
    static func rule(_ rule: RolloutMetricsView.Rule) -> String {
        let kind = rule.kind == "rollback" ? "rollback rule" : "analysis of step \((rule.step ?? 0) + 1)"
        return "\(kind) \(rule.rule): \(rule.verdict) (\(rule.detail))"
    }

    static func count(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(format: "%.1f", value)
    }
}
