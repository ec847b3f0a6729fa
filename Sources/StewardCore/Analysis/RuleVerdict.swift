import Foundation

/// What one rule says about a release at one moment (``MetricAnalysis/verdict(for:release:baseline:startedAt:now:)``).
///
/// As a rollback rule, `failing` rolls back and the others carry on; as a canary gate, `passing`
/// lets the canary advance, `failing` rolls back and `inconclusive` waits. No data, too few
/// requests or a window not yet full is `inconclusive`: it never passes and never fails.
public enum RuleVerdict: Sendable, Equatable {
    /// Enough requests over a full window, and the condition does not hold.
    case passing(measured: Double)
    /// Enough requests over a full window, and the condition holds.
    case failing(RuleFailure)
    /// Nothing can be decided yet.
    case inconclusive(Inconclusive)
}

/// A rule whose condition held: the rule, what was measured, and over which window.
public struct RuleFailure: Sendable, Codable, Equatable, CustomStringConvertible {
    public var rule: MetricRule
    /// The measured value, in the rule's base unit (a fraction, seconds, requests per second).
    public var measured: Double
    /// The value it was compared with: the threshold, or for a rule relative to the stable
    /// release, the stable release's value scaled and raised as the rule says.
    public var limit: Double
    /// The window measured (the rule's span).
    public var window: TimeSpan
    /// Requests in the window.
    public var requests: Double
    /// The stable release's value over the same window, for a relative rule.
    public var baseline: Double?

    public init(
        rule: MetricRule, measured: Double, limit: Double, window: TimeSpan, requests: Double, baseline: Double? = nil
    ) {
        self.rule = rule
        self.measured = measured
        self.limit = limit
        self.window = window
        self.requests = requests
        self.baseline = baseline
    }

    /// One sentence for the deployment's failure reason, e.g.
    /// `error_rate > 5% for 5m: measured 12.5% over the last 5m (400 requests)`.
    public var description: String {
        let metric = rule.metric
        var text = "\(rule.source): measured \(metric.format(measured)) over the last \(window) (\(Self.count(requests)) requests)"
        if let baseline {
            text += "; stable measured \(metric.format(baseline)), so the limit was \(metric.format(limit))"
        }
        return text
    }

    /// `400`, or `39.6` for an estimate.
    static func count(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.1f", value)
    }
}

/// Why a rule decides nothing yet.
public enum Inconclusive: Sendable, Equatable, CustomStringConvertible {
    /// The window the rule needs is not covered yet: the analysis (or the source) started `measured` ago.
    case windowNotFull(measured: TimeSpan, needed: TimeSpan)
    /// The source had no answer for the release.
    case noData
    /// Fewer requests in the window than the rule's `min`.
    case tooFewRequests(seen: Double, needed: Int)
    /// The window has requests but not this metric (no latency reported).
    case noValue(MetricRule.Metric)
    /// A rule relative to the stable release, and the stable release has no data for it.
    case noBaseline
    /// A rule relative to the stable release, and the stable release had fewer requests than the rule's `min`.
    case baselineTooFewRequests(seen: Double, needed: Int)

    public var description: String {
        switch self {
        case .windowNotFull(let measured, let needed): return "measured \(measured) of the \(needed) window"
        case .noData: return "no data for the release"
        case .tooFewRequests(let seen, let needed): return "\(RuleFailure.count(seen)) requests in the window, fewer than \(needed)"
        case .noValue(let metric): return "no \(metric.rawValue) in the window"
        case .noBaseline: return "no data for the stable release"
        case .baselineTooFewRequests(let seen, let needed):
            return "the stable release had \(RuleFailure.count(seen)) requests in the window, fewer than \(needed)"
        }
    }
}

/// What a set of rules says: the first failing rule, else passing only when every rule passes.
public enum AnalysisVerdict: Sendable, Equatable {
    /// Every rule passes (or there is no rule).
    case passing
    /// The first rule, in the order written, whose condition held.
    case failing(RuleFailure)
    /// No rule failed and at least one decided nothing; each such rule with its reason.
    case inconclusive([Undecided])

    /// The verdict of a set from the verdict of each of its `rules` (same order): the first
    /// failing rule, else passing when every rule passes, else inconclusive naming each undecided rule.
    public init(combining verdicts: [RuleVerdict], of rules: [MetricRule]) {
        var undecided: [Undecided] = []
        for (rule, verdict) in zip(rules, verdicts) {
            switch verdict {
            case .failing(let failure):
                self = .failing(failure)
                return
            case .inconclusive(let reason): undecided.append(.init(rule: rule, reason: reason))
            case .passing: continue
            }
        }
        self = undecided.isEmpty ? .passing : .inconclusive(undecided)
    }

    /// A rule that decided nothing, and why.
    public struct Undecided: Sendable, Equatable, CustomStringConvertible {
        public var rule: MetricRule
        public var reason: Inconclusive

        public init(rule: MetricRule, reason: Inconclusive) {
            self.rule = rule
            self.reason = reason
        }

        public var description: String { "\(rule.source): \(reason)" }
    }
}

extension MetricRule.Metric {
    /// A value of this metric as people read it: `12.5%`, `450ms`, `3.2s`, `12.3/s`.
    public func format(_ value: Double) -> String {
        func trimmed(_ number: Double) -> String {
            let text = String(format: "%.3f", number)
            let kept = text.contains(".") ? String(text.reversed().drop { $0 == "0" }.reversed()) : text
            return kept.hasSuffix(".") ? String(kept.dropLast()) : kept
        }
        switch self {
        case .errorRate: return "\(trimmed(value * 100))%"
        case .p50, .p90, .p95, .p99: return value < 1 ? "\(trimmed(value * 1000))ms" : "\(trimmed(value))s"
        case .requestRate: return "\(trimmed(value))/s"
        }
    }
}
