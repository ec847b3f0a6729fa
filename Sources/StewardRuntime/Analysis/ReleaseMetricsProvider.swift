import Foundation
public import StewardCore

/// A source of per-release traffic measurements: the traffic proxy (``ProxyMetricsProvider``)
/// or an external Prometheus that scrapes it (``PrometheusMetricsProvider``).
///
/// A measurement covers a window that ends at the moment it is taken and is aggregated by the
/// source over the whole window; ``MetricAnalysis`` decides what it means.
public protocol ReleaseMetricsProvider: Sendable {
    /// What `release` of `target` measured over the `window` that ends now.
    ///
    /// - Returns: `nil` when the source knows nothing of the release (no route, no series).
    /// - Throws: when the source cannot be asked or gives an answer that cannot be read.
    func measure(release: Int, of target: ServiceEnvironment, over window: TimeSpan) async throws -> WindowMeasurement?
}

extension ReleaseMetricsProvider {
    /// Measures the windows `rules` need and evaluates the rules at `now`
    /// (``MetricAnalysis/verdict(for:releases:baselines:startedAt:now:)``).
    ///
    /// Each distinct span is measured once, and only once the analysis is that old (before, the
    /// rule is inconclusive whatever the numbers). The stable release is measured only for the
    /// spans of relative rules.
    ///
    /// - Parameters:
    ///   - rules: the rules, in the order written (the first failing one is reported).
    ///   - release: the release under analysis (the canary).
    ///   - baseline: the stable release, for rules relative to it.
    ///   - startedAt: when the analysis started (the canary took traffic, or the step began).
    ///   - now: the moment of measurement, also passed to the evaluation.
    public func analyze(
        _ rules: [MetricRule], release: Int, baseline: Int? = nil, of target: ServiceEnvironment, startedAt: Date,
        now: Date = Date()
    ) async throws -> AnalysisVerdict {
        let verdicts = try await judge(rules, release: release, baseline: baseline, of: target, startedAt: startedAt, now: now)
        return AnalysisVerdict(combining: verdicts, of: rules)
    }

    /// Measures like ``analyze(_:release:baseline:of:startedAt:now:)`` and returns the verdict of
    /// each rule, in the order written (``MetricAnalysis/verdicts(for:releases:baselines:startedAt:now:)``).
    public func judge(
        _ rules: [MetricRule], release: Int, baseline: Int? = nil, of target: ServiceEnvironment, startedAt: Date,
        now: Date = Date()
    ) async throws -> [RuleVerdict] {
        let elapsed = now.timeIntervalSince(startedAt)
        var releases: [TimeSpan: WindowMeasurement] = [:]
        var baselines: [TimeSpan: WindowMeasurement] = [:]
        for span in Set(rules.map(\.duration)) where span.seconds <= elapsed {
            releases[span] = try await measure(release: release, of: target, over: span)
            if let baseline, rules.contains(where: { $0.duration == span && $0.baselineFactor != nil }) {
                baselines[span] = try await measure(release: baseline, of: target, over: span)
            }
        }
        return MetricAnalysis.verdicts(
            for: rules, releases: releases, baselines: baselines, startedAt: startedAt, now: now)
    }
}
