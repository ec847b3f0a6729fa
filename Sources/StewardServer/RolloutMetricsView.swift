import Foundation
import StewardCore
import StewardOps
import StewardRuntime

/// The answer of `GET /api/v1/deployments/{id}/metrics`: where a deployment stands (step, weight,
/// phase) and what each of its releases measured over the window, with the latest verdict of each
/// of its rules.
///
/// JSON: `{"deployment", "service", "environment", "kind", "strategy", "phase", "step"?, "steps",
/// "weight"?, "wakeAt"?, "reason"?, "windowSeconds", "measuredAt", "releases": [{"role", "release",
/// "weight"?, "measured", "requests", "errors", "errorRate"?, "p50Ms"?, "p95Ms"?, "p99Ms"?,
/// "requestsPerSecond", "coveredSeconds"?}], "rules": [{"rule", "kind", "step"?, "verdict",
/// "detail", "measured"?, "at"}]}` (docs/rollouts.md). The CLI decodes the same type.
public struct RolloutMetricsView: Codable, Sendable {
    /// One release's traffic over the window.
    public struct ReleaseMetrics: Codable, Sendable {
        /// `stable` (the previous release), `canary` or `green` (a rollout's new release), `new` (a rolling one's).
        public var role: String
        public var release: Int
        /// Its share of the traffic during a rollout.
        public var weight: Int?
        /// False when the source knows nothing of the release (no route, no series): the numbers are zero.
        public var measured: Bool
        public var requests: Double
        public var errors: Double
        public var errorRate: Double?
        public var p50Ms: Double?
        public var p95Ms: Double?
        public var p99Ms: Double?
        public var requestsPerSecond: Double
        /// How much of the window the numbers cover, when the source says (a proxy restarted within it covers less).
        public var coveredSeconds: Double?

        init(role: String, release: Int, weight: Int?, measurement: WindowMeasurement?) {
            self.role = role
            self.release = release
            self.weight = weight
            measured = measurement != nil
            requests = measurement?.requests ?? 0
            errors = measurement?.errors ?? 0
            errorRate = measurement?.value(of: .errorRate)
            p50Ms = measurement?.value(of: .p50).map { $0 * 1000 }
            p95Ms = measurement?.value(of: .p95).map { $0 * 1000 }
            p99Ms = measurement?.value(of: .p99).map { $0 * 1000 }
            requestsPerSecond = measurement?.requestsPerSecond ?? 0
            coveredSeconds = measurement?.covered.map(\.seconds)
        }
    }

    /// The latest verdict of one rule.
    public struct Rule: Codable, Sendable {
        public var rule: String
        /// `rollback` or `analysis` (a step's gate).
        public var kind: String
        /// The analysis step's index (0-based, like the deployment's `step`).
        public var step: Int?
        /// `passing`, `failing` or `inconclusive`.
        public var verdict: String
        /// What was measured, or why nothing could be decided.
        public var detail: String
        /// The measured value in the rule's base unit (a fraction, seconds, requests per second).
        public var measured: Double?
        public var at: Date

        init(_ judgement: RuleJudgement) {
            rule = judgement.rule.source
            switch judgement.purpose {
            case .rollback: kind = "rollback"
            case .gate(let step):
                kind = "analysis"
                self.step = step
            }
            at = judgement.at
            switch judgement.verdict {
            case .passing(let value):
                verdict = "passing"
                measured = value
                detail = "measured \(judgement.rule.metric.format(value))"
            case .failing(let failure):
                verdict = "failing"
                measured = failure.measured
                detail = failure.description
            case .inconclusive(let reason):
                verdict = "inconclusive"
                detail = reason.description
            }
        }
    }

    public var deployment: Int
    public var service: String
    public var environment: String
    public var kind: String
    /// `rolling`, `blue-green` or `canary`.
    public var strategy: String
    public var phase: String
    /// The rollout step being carried out (0-based index into `steps`); absent without a rollout.
    public var step: Int?
    /// Each rollout step as people read it: `weight 10%`, `pause 1m`, `analysis: …`, `smoke`.
    public var steps: [String]
    /// The new release's share of the traffic; absent without a rollout.
    public var weight: Int?
    /// When a timed pause or the warm period ends.
    public var wakeAt: Date?
    public var reason: String?
    public var windowSeconds: Int64
    public var measuredAt: Date
    /// The previous release first (when there is one), then the new one.
    public var releases: [ReleaseMetrics]
    public var rules: [Rule]

    /// Measures a deployment's releases over `window` with `provider`.
    ///
    /// - Throws: what the provider throws when it cannot be asked.
    static func measure(
        _ deployment: Deployment, over window: TimeSpan, with provider: any ReleaseMetricsProvider,
        judgements: [RuleJudgement], now: Date = Date()
    ) async throws -> RolloutMetricsView {
        let rollout = deployment.rollout
        var releases: [ReleaseMetrics] = []
        if let previous = deployment.previousRelease, previous != deployment.release {
            let measurement = try await provider.measure(release: previous, of: deployment.target, over: window)
            releases.append(
                ReleaseMetrics(
                    role: "stable", release: previous, weight: rollout.map { _ in 100 - deployment.weight },
                    measurement: measurement))
        }
        let measurement = try await provider.measure(release: deployment.release, of: deployment.target, over: window)
        releases.append(
            ReleaseMetrics(
                role: rollout?.releaseName ?? "new", release: deployment.release, weight: rollout.map { _ in deployment.weight },
                measurement: measurement))
        return RolloutMetricsView(
            deployment: deployment.id, service: deployment.target.service, environment: deployment.target.environment,
            kind: deployment.kind.rawValue, strategy: rollout?.strategy.rawValue ?? DeployPolicy.Strategy.rolling.rawValue,
            phase: deployment.phase.rawValue, step: rollout.map { _ in deployment.step },
            steps: rollout?.steps.map(\.description) ?? [], weight: rollout.map { _ in deployment.weight },
            wakeAt: deployment.wakeAt, reason: deployment.reason, windowSeconds: max(1, (window.milliseconds + 999) / 1000),
            measuredAt: now, releases: releases, rules: judgements.map(Rule.init))
    }
}
