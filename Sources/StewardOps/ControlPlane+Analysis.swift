import Foundation
import Logging
import StewardCore
import StewardRuntime

/// One rule set to evaluate for a running rollout now.
struct AnalysisJob: Sendable {
    enum Purpose: Sendable, Equatable {
        /// The deployment's rollback rules, checked whenever its new release takes traffic.
        case rollbackRules
        /// The rules of the analysis step at this index: passing moves the rollout on.
        case gate(step: Int)
    }

    var deployment: Int
    var purpose: Purpose
    var rules: [MetricRule]
    var target: ServiceEnvironment
    var release: Int
    var baseline: Int?
    var startedAt: Date

    /// Identifies the analysis across ticks: a new step, or a new deployment, starts a new one.
    var key: String {
        switch purpose {
        case .rollbackRules: "\(deployment)/rollback"
        case .gate(let step): "\(deployment)/step-\(step)"
        }
    }
}

extension ControlPlane {
    /// How often running rollouts are measured and judged.
    static var analysisInterval: Duration { .seconds(1) }

    /// Measures every running rollout's new release each ``analysisInterval`` and feeds the
    /// verdicts: a failing rule rolls it back at once (``Deployment/Input/ruleFailed(reason:at:)``),
    /// a passing analysis step moves it on. What the rules mean is decided in ``MetricAnalysis``.
    /// Returns at once without a metrics provider (no proxy): analysis steps then never pass.
    nonisolated func analyzeRollouts() async {
        guard let provider = metricsProvider else { return }
        var failing = false
        while !Task.isCancelled {
            for job in await analysisJobs() {
                do {
                    let now = Date()
                    let verdicts = try await provider.judge(
                        job.rules, release: job.release, baseline: job.baseline, of: job.target, startedAt: job.startedAt,
                        now: now)
                    await remember(job, verdicts, at: now)
                    await conclude(job, AnalysisVerdict(combining: verdicts, of: job.rules))
                    failing = false
                } catch {
                    // Said once per outage; no data never passes, so a gate simply waits.
                    if !failing { logger.warning("cannot measure deployment \(job.deployment): \(error)") }
                    failing = true
                }
            }
            try? await Task.sleep(for: Self.analysisInterval)
        }
    }

    /// The analyses due now: rollback rules of rollouts whose new release has traffic, and the
    /// rules of rollouts at an analysis step. Only the traffic environment is measured (the proxy
    /// serves no other).
    func analysisJobs(now: Date = Date()) -> [AnalysisJob] {
        let environment = trafficEnvironment ?? state.stack?.environments.first?.name
        var jobs: [AnalysisJob] = []
        for deployment in state.activeDeployments where deployment.target.environment == environment {
            guard let rollout = deployment.rollout, deployment.batch >= deployment.batchCount,
                deployment.phase == .rolling || deployment.phase == .warm
            else { continue }
            func job(_ purpose: AnalysisJob.Purpose, _ rules: [MetricRule]) -> AnalysisJob {
                var job = AnalysisJob(
                    deployment: deployment.id, purpose: purpose, rules: rules, target: deployment.target,
                    release: deployment.release, baseline: deployment.previousRelease, startedAt: now)
                job.startedAt = analysisStarts[job.key] ?? now
                return job
            }
            if !rollout.rollbackRules.isEmpty && deployment.weight > 0 {
                jobs.append(job(.rollbackRules, rollout.rollbackRules))
            }
            if case .analysis(let rules)? = deployment.currentStep {
                jobs.append(job(.gate(step: deployment.step), rules))
            }
        }
        let due = Set(jobs.map(\.key))
        analysisStarts = analysisStarts.filter { due.contains($0.key) }
        for job in jobs where analysisStarts[job.key] == nil { analysisStarts[job.key] = job.startedAt }
        return jobs
    }

    /// Feeds a verdict to its deployment, if it is still where the analysis found it.
    func conclude(_ job: AnalysisJob, _ verdict: AnalysisVerdict) {
        guard let deployment = state.deployments[job.deployment], !deployment.isFinished else { return }
        if case .gate(let step) = job.purpose, deployment.step != step { return }
        switch verdict {
        case .failing(let failure):
            let source = job.purpose == .rollbackRules ? "rollback rule" : "analysis of step \(deployment.step + 1)"
            handle(job.deployment, .ruleFailed(reason: "\(source) failed: \(failure)", at: Date()))
        case .passing:
            if case .gate = job.purpose { handle(job.deployment, .analysisPassed(at: Date())) }
        case .inconclusive:
            break  // no data never passes: the step's deadline ends a gate that cannot decide
        }
    }
}

/// The latest verdict of one rule of a rollout, as the analysis loop last judged it.
public struct RuleJudgement: Sendable, Equatable {
    /// Whether the rule is one of the rollback rules or belongs to an analysis step.
    public enum Purpose: Sendable, Equatable {
        /// A rollback rule, checked whenever the new release takes traffic.
        case rollback
        /// A rule of the analysis step at this index.
        case gate(step: Int)
    }

    public var rule: MetricRule
    public var purpose: Purpose
    public var verdict: RuleVerdict
    /// When it was judged.
    public var at: Date

    public init(rule: MetricRule, purpose: Purpose, verdict: RuleVerdict, at: Date) {
        self.rule = rule
        self.purpose = purpose
        self.verdict = verdict
        self.at = at
    }
}

extension ControlPlane {
    /// How many deployments' latest verdicts are kept (the most recent ids).
    static var judgedDeploymentsKept: Int { 16 }

    /// The latest verdict of each rule of a deployment: its rollback rules, then the rules of each
    /// analysis step judged so far (a step's rules keep their last verdict once it is passed).
    /// Empty when no analysis ran in this process (no metrics source, not yet, or a restart since).
    public func ruleJudgements(of deployment: Int) -> [RuleJudgement] {
        guard let byJob = latestJudgements[deployment] else { return [] }
        return byJob.values.sorted { order($0.first?.purpose) < order($1.first?.purpose) }.flatMap { $0 }
    }

    private func order(_ purpose: RuleJudgement.Purpose?) -> Int {
        switch purpose {
        case .rollback?, nil: -1
        case .gate(let step)?: step
        }
    }

    /// Keeps the verdicts of one analysis as the latest of its rules.
    func remember(_ job: AnalysisJob, _ verdicts: [RuleVerdict], at: Date) {
        let purpose: RuleJudgement.Purpose = switch job.purpose {
        case .rollbackRules: .rollback
        case .gate(let step): .gate(step: step)
        }
        latestJudgements[job.deployment, default: [:]][job.key] = zip(job.rules, verdicts).map {
            RuleJudgement(rule: $0, purpose: purpose, verdict: $1, at: at)
        }
        if latestJudgements.count > Self.judgedDeploymentsKept {
            for id in latestJudgements.keys.sorted().dropLast(Self.judgedDeploymentsKept) { latestJudgements[id] = nil }
        }
    }
}
