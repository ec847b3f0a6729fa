import Foundation

/// When a metric rule passes, fails (rolls back) or decides nothing: the one place that says so.
///
/// A rule `METRIC OP THRESHOLD for SPAN [min N]` is read at a moment `now` over the window of
/// length SPAN that ends at `now`, measured as a whole by the source (``WindowMeasurement``):
///
/// 1. The window must be full: the analysis started at least SPAN ago (`startedAt`), and the
///    source covered the whole window. Before that the rule is inconclusive: `for 5m` means five
///    minutes of the release's traffic, never fewer.
/// 2. The window must hold at least N requests (`min N`, default 20), and the metric must have a
///    value (no latency without requests). Otherwise the rule is inconclusive: no data never
///    passes, and never fails.
/// 3. Then the rule **fails** when `value OP limit` holds, and **passes** when it does not. The
///    limit is the threshold, or for a rule relative to the stable release
///    (`p95 > stable * 1.5 + 100ms for 5m`) the stable release's value over the same window times
///    the factor plus the threshold; the stable release must pass step 2 too.
///
/// "Holds for SPAN" is thus "holds over the last SPAN as a whole" (as `rate(x[5m]) > 0.05` in
/// Prometheus), not "holds in every second of it": at canary traffic a one-second error rate is
/// noise, while the whole window's is a sample of every request in it. Called again at each
/// tick, the window slides, so a release that turns bad fails at the first tick where its last
/// SPAN is bad.
///
/// Pure: the caller passes `now` and the measurements; nothing here reads a clock or a network.
///
/// ## Topics
/// - ``verdict(for:release:baseline:startedAt:now:)``
/// - ``verdict(for:releases:baselines:startedAt:now:)``
public enum MetricAnalysis {
    /// The verdict of one rule at `now`.
    ///
    /// - Parameters:
    ///   - rule: the rule.
    ///   - release: the release's measurement over the rule's span ending at `now`; `nil` when the
    ///     source had none.
    ///   - baseline: the stable release's measurement over the same window (for relative rules).
    ///   - startedAt: when the release started being analysed (its traffic began, or the analysis step).
    ///   - now: the moment of the measurement.
    public static func verdict(
        for rule: MetricRule, release: WindowMeasurement?, baseline: WindowMeasurement? = nil,
        startedAt: Date, now: Date
    ) -> RuleVerdict {
        let span = rule.duration
        let elapsed = TimeSpan(milliseconds: Int64((now.timeIntervalSince(startedAt) * 1000).rounded(.down)))
        guard elapsed >= span else { return .inconclusive(.windowNotFull(measured: max(elapsed, .milliseconds(0)), needed: span)) }
        guard let release else { return .inconclusive(.noData) }
        let covered = min(release.covered ?? release.window, release.window)
        guard covered >= span else { return .inconclusive(.windowNotFull(measured: covered, needed: span)) }
        guard release.requests >= Double(rule.minimumRequests) else {
            return .inconclusive(.tooFewRequests(seen: release.requests, needed: rule.minimumRequests))
        }
        guard let measured = release.value(of: rule.metric) else { return .inconclusive(.noValue(rule.metric)) }

        var limit = rule.threshold
        var baselineValue: Double?
        if let factor = rule.baselineFactor {
            guard let baseline else { return .inconclusive(.noBaseline) }
            guard baseline.requests >= Double(rule.minimumRequests) else {
                return .inconclusive(.baselineTooFewRequests(seen: baseline.requests, needed: rule.minimumRequests))
            }
            guard let value = baseline.value(of: rule.metric) else { return .inconclusive(.noBaseline) }
            baselineValue = value
            limit = value * factor + rule.threshold
        }

        guard rule.comparison.holds(measured, limit) else { return .passing(measured: measured) }
        return .failing(
            RuleFailure(
                rule: rule, measured: measured, limit: limit, window: span, requests: release.requests,
                baseline: baselineValue))
    }

    /// The verdict of several rules at `now`: the first failing rule in the order written; else
    /// passing when every rule passes; else inconclusive, naming each undecided rule.
    ///
    /// - Parameters:
    ///   - releases: the release's measurement per window (one per distinct span of `rules`).
    ///   - baselines: the stable release's measurement per window (for relative rules).
    public static func verdict(
        for rules: [MetricRule], releases: [TimeSpan: WindowMeasurement], baselines: [TimeSpan: WindowMeasurement] = [:],
        startedAt: Date, now: Date
    ) -> AnalysisVerdict {
        AnalysisVerdict(
            combining: verdicts(for: rules, releases: releases, baselines: baselines, startedAt: startedAt, now: now),
            of: rules)
    }

    /// The verdict of each rule at `now`, in the order written: what a rollout's progress shows
    /// per rule (``AnalysisVerdict/init(combining:of:)`` turns them into the set's verdict).
    public static func verdicts(
        for rules: [MetricRule], releases: [TimeSpan: WindowMeasurement], baselines: [TimeSpan: WindowMeasurement] = [:],
        startedAt: Date, now: Date
    ) -> [RuleVerdict] {
        rules.map { rule in
            verdict(
                for: rule, release: releases[rule.duration], baseline: baselines[rule.duration], startedAt: startedAt,
                now: now)
        }
    }
}

extension MetricRule.Comparison {
    /// Whether `value OP limit`.
    public func holds(_ value: Double, _ limit: Double) -> Bool {
        switch self {
        case .greaterThan: return value > limit
        case .greaterOrEqual: return value >= limit
        case .lessThan: return value < limit
        case .lessOrEqual: return value <= limit
        }
    }
}
