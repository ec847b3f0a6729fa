import Foundation
import StewardCore
import Testing

/// When a rule passes, fails or decides nothing: synthetic measurements, explicit moments, no clock.
@Suite struct MetricAnalysisTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)

    func rule(_ text: String) throws -> MetricRule { try MetricRule(parsing: text) }

    /// A measurement of `requests` requests with `errors` of them failed over `window`.
    func measured(
        _ requests: Double, errors: Double = 0, over window: TimeSpan = .minutes(5), covered: TimeSpan? = nil,
        p95: Double? = nil
    ) -> WindowMeasurement {
        WindowMeasurement(
            window: window, covered: covered, requests: requests, errors: errors,
            requestsPerSecond: requests / window.seconds, p50: p95.map { $0 / 2 }, p90: p95, p95: p95, p99: p95)
    }

    /// A full window with more errors than the threshold fails, naming the rule, the value and the window.
    @Test func aBadFullWindowFails() throws {
        let rule = try rule("error_rate > 5% for 5m")
        let verdict = MetricAnalysis.verdict(
            for: rule, release: measured(400, errors: 50), startedAt: start, now: start + 300)
        let expected = RuleFailure(rule: rule, measured: 0.125, limit: 0.05, window: .minutes(5), requests: 400)
        #expect(verdict == .failing(expected))
        #expect(expected.description == "error_rate > 5% for 5m: measured 12.5% over the last 5m (400 requests)")
    }

    /// A full window under the threshold passes, with the value measured.
    @Test func aGoodFullWindowPasses() throws {
        let verdict = MetricAnalysis.verdict(
            for: try rule("error_rate > 5% for 5m"), release: measured(400, errors: 4), startedAt: start, now: start + 301)
        #expect(verdict == .passing(measured: 0.01))
    }

    /// "for 5m" needs five minutes of analysis: before that, even a release failing every request decides nothing.
    @Test func aWindowNotYetFullDecidesNothing() throws {
        let rule = try rule("error_rate > 5% for 5m")
        let early = MetricAnalysis.verdict(for: rule, release: measured(400, errors: 400), startedAt: start, now: start + 240)
        #expect(early == .inconclusive(.windowNotFull(measured: .minutes(4), needed: .minutes(5))))
        // The source itself covered less (the proxy restarted two minutes ago).
        let restarted = MetricAnalysis.verdict(
            for: rule, release: measured(400, errors: 400, covered: .minutes(2)), startedAt: start, now: start + 600)
        #expect(restarted == .inconclusive(.windowNotFull(measured: .minutes(2), needed: .minutes(5))))
    }

    /// No data, or fewer requests than `min`, never passes and never fails.
    @Test func tooLittleDataDecidesNothing() throws {
        let rule = try rule("error_rate > 5% for 5m")
        let now = start + 600
        #expect(MetricAnalysis.verdict(for: rule, release: nil, startedAt: start, now: now) == .inconclusive(.noData))
        #expect(
            MetricAnalysis.verdict(for: rule, release: measured(19, errors: 19), startedAt: start, now: now)
                == .inconclusive(.tooFewRequests(seen: 19, needed: 20)))
        #expect(
            MetricAnalysis.verdict(for: rule, release: measured(19), startedAt: start, now: now)
                == .inconclusive(.tooFewRequests(seen: 19, needed: 20)))
        let strict = try self.rule("error_rate > 5% for 5s min 50")
        #expect(
            MetricAnalysis.verdict(for: strict, release: measured(49.5, over: .seconds(5)), startedAt: start, now: now)
                == .inconclusive(.tooFewRequests(seen: 49.5, needed: 50)))
        #expect(Inconclusive.tooFewRequests(seen: 49.5, needed: 50).description == "49.5 requests in the window, fewer than 50")
    }

    /// `min 0` lets an empty window decide a rate rule (traffic stopped), but an error rate of no request has no value.
    @Test func anEmptyWindowWithMinZero() throws {
        let now = start + 600
        let stopped = try rule("request_rate < 1 for 5m min 0")
        guard case .failing(let failure) = MetricAnalysis.verdict(for: stopped, release: measured(0), startedAt: start, now: now)
        else { Issue.record("an empty window should fail 'request_rate < 1'"); return }
        #expect(failure.measured == 0)
        let errors = try rule("error_rate > 5% for 5m min 0")
        #expect(
            MetricAnalysis.verdict(for: errors, release: measured(0), startedAt: start, now: now)
                == .inconclusive(.noValue(.errorRate)))
    }

    /// The comparison is exactly the one written: at the threshold, `>` passes and `>=` fails.
    @Test func theComparisonIsTheOneWritten() throws {
        let now = start + 300
        let exactlyFive = measured(100, errors: 5)
        #expect(
            MetricAnalysis.verdict(for: try rule("error_rate > 5% for 5m"), release: exactlyFive, startedAt: start, now: now)
                == .passing(measured: 0.05))
        let atLeast = MetricAnalysis.verdict(
            for: try rule("error_rate >= 5% for 5m"), release: exactlyFive, startedAt: start, now: now)
        #expect({ if case .failing = atLeast { return true } else { return false } }())
        let floor = MetricAnalysis.verdict(
            for: try rule("request_rate < 1/s for 5m"), release: measured(600), startedAt: start, now: now)
        #expect(floor == .passing(measured: 2))
    }

    /// Latency rules compare seconds; a window with requests but no latency decides nothing.
    @Test func latencyRules() throws {
        let now = start + 300
        let rule = try rule("p95 > 3s for 5m")
        guard case .failing(let failure) = MetricAnalysis.verdict(for: rule, release: measured(100, p95: 3.2), startedAt: start, now: now)
        else { Issue.record("p95 3.2s should fail 'p95 > 3s'"); return }
        #expect(failure.description == "p95 > 3s for 5m: measured 3.2s over the last 5m (100 requests)")
        #expect(MetricAnalysis.verdict(for: rule, release: measured(100, p95: 0.45), startedAt: start, now: now) == .passing(measured: 0.45))
        #expect(MetricAnalysis.verdict(for: rule, release: measured(100), startedAt: start, now: now) == .inconclusive(.noValue(.p95)))
    }

    /// Relative to the stable release: the limit is the stable value times the factor plus the margin,
    /// and the stable release needs enough requests too.
    @Test func rulesRelativeToTheStableRelease() throws {
        let now = start + 300
        let margin = try rule("error_rate > stable + 2% for 5m")
        let stable = measured(1000, errors: 20)
        guard case .failing(let failure) = MetricAnalysis.verdict(
            for: margin, release: measured(100, errors: 5), baseline: stable, startedAt: start, now: now)
        else { Issue.record("5% should fail 'stable (2%) + 2%'"); return }
        #expect(abs(failure.limit - 0.04) < 1e-12)
        #expect(failure.baseline == 0.02)
        #expect(
            failure.description
                == "error_rate > stable + 2% for 5m: measured 5% over the last 5m (100 requests); stable measured 2%, so the limit was 4%")
        #expect(
            MetricAnalysis.verdict(for: margin, release: measured(100, errors: 3), baseline: stable, startedAt: start, now: now)
                == .passing(measured: 0.03))
        #expect(
            MetricAnalysis.verdict(for: margin, release: measured(100, errors: 5), startedAt: start, now: now)
                == .inconclusive(.noBaseline))
        #expect(
            MetricAnalysis.verdict(for: margin, release: measured(100, errors: 5), baseline: measured(3), startedAt: start, now: now)
                == .inconclusive(.baselineTooFewRequests(seen: 3, needed: 20)))

        let factor = try rule("p95 > stable * 1.5 for 5m")
        let stableLatency = measured(1000, p95: 0.3)
        #expect(
            MetricAnalysis.verdict(for: factor, release: measured(100, p95: 0.4), baseline: stableLatency, startedAt: start, now: now)
                == .passing(measured: 0.4))
        let slower = MetricAnalysis.verdict(
            for: factor, release: measured(100, p95: 0.5), baseline: stableLatency, startedAt: start, now: now)
        #expect({ if case .failing(let failure) = slower { return abs(failure.limit - 0.45) < 1e-12 } else { return false } }())
    }

    /// Several rules: the first failing one in the order written; else passing only when every rule passes.
    @Test func severalRules() throws {
        let errors = try rule("error_rate > 5% for 5m")
        let latency = try rule("p99 > 2s for 1m min 50")
        let now = start + 300
        let fiveMinutes = measured(400, errors: 40, p95: 2.5)
        let oneMinute = measured(80, errors: 8, over: .minutes(1), p95: 2.5)
        let both = MetricAnalysis.verdict(
            for: [latency, errors], releases: [.minutes(5): fiveMinutes, .minutes(1): oneMinute], startedAt: start, now: now)
        #expect({ if case .failing(let failure) = both { return failure.rule == latency } else { return false } }())

        let good = MetricAnalysis.verdict(
            for: [errors, latency],
            releases: [.minutes(5): measured(400, p95: 0.2), .minutes(1): measured(80, over: .minutes(1), p95: 0.2)],
            startedAt: start, now: now)
        #expect(good == .passing)

        // One minute in: the one-minute rule passes, the five-minute rule waits; nothing passes yet.
        let early = MetricAnalysis.verdict(
            for: [errors, latency], releases: [.minutes(1): measured(80, over: .minutes(1), p95: 0.2)],
            startedAt: start, now: start + 60)
        #expect(early == .inconclusive([.init(rule: errors, reason: .windowNotFull(measured: .minutes(1), needed: .minutes(5)))]))
        #expect(MetricAnalysis.verdict(for: [], releases: [:], startedAt: start, now: start) == .passing)
    }

    /// Each rule's own verdict (what a rollout's progress shows), in the order written, and the set's
    /// verdict combined from them: every rule is judged even after one fails.
    @Test func eachRulesVerdict() throws {
        let errors = try rule("error_rate > 5% for 5m")
        let latency = try rule("p99 > 2s for 1m min 50")
        let rate = try rule("request_rate < 1 for 5m")
        let releases: [TimeSpan: WindowMeasurement] = [
            .minutes(5): measured(400, errors: 40, p95: 0.2), .minutes(1): measured(10, over: .minutes(1), p95: 0.2),
        ]
        let verdicts = MetricAnalysis.verdicts(
            for: [latency, errors, rate], releases: releases, startedAt: start, now: start + 300)
        let failure = RuleFailure(rule: errors, measured: 0.1, limit: 0.05, window: .minutes(5), requests: 400)
        let expected: [RuleVerdict] = [
            .inconclusive(.tooFewRequests(seen: 10, needed: 50)), .failing(failure), .passing(measured: 400 / 300.0),
        ]
        #expect(verdicts == expected)
        #expect(AnalysisVerdict(combining: verdicts, of: [latency, errors, rate]) == .failing(failure))
        #expect(
            AnalysisVerdict(combining: [verdicts[0], verdicts[2]], of: [latency, rate])
                == .inconclusive([.init(rule: latency, reason: .tooFewRequests(seen: 10, needed: 50))]))
        #expect(AnalysisVerdict(combining: [verdicts[2]], of: [rate]) == .passing)
    }

    /// Ticks over a synthetic canary (20 requests a second, good for 20 s, then half of them failing):
    /// the window slides, and `error_rate > 5% for 5s min 50` fails at the first tick whose last
    /// 5 seconds hold more than 5 % errors, and not before.
    @Test func aSlidingWindowFailsAtTheFirstBadTick() throws {
        let rule = try rule("error_rate > 5% for 5s min 50")
        // Per second: (requests, errors).
        let seconds = (0..<40).map { second in (requests: 20.0, errors: second < 20 ? 0.0 : 10.0) }
        func window(endingAt tick: Int) -> WindowMeasurement {
            let slice = seconds[max(0, tick - 5)..<tick]
            let requests = slice.reduce(0) { $0 + $1.requests }
            return WindowMeasurement(
                window: .seconds(5), requests: requests, errors: slice.reduce(0) { $0 + $1.errors },
                requestsPerSecond: requests / 5)
        }
        var verdicts: [Int: RuleVerdict] = [:]
        for tick in 1...40 {
            verdicts[tick] = MetricAnalysis.verdict(
                for: rule, release: window(endingAt: tick), startedAt: start, now: start + TimeInterval(tick))
        }
        #expect(verdicts[4] == .inconclusive(.windowNotFull(measured: .seconds(4), needed: .seconds(5))))
        #expect(verdicts[5] == .passing(measured: 0))
        #expect(verdicts[20] == .passing(measured: 0))
        // Second 20 is the first bad one: the window ending at tick 21 holds 10 errors of 100.
        guard case .failing(let failure) = verdicts[21] else {
            Issue.record("tick 21 should fail, got \(String(describing: verdicts[21]))")
            return
        }
        #expect(failure.measured == 0.1)
        #expect(failure.requests == 100)
        #expect(failure.window == .seconds(5))
    }

    /// Values read as people write them.
    @Test func valuesAreFormattedForPeople() {
        #expect(MetricRule.Metric.errorRate.format(0.125) == "12.5%")
        #expect(MetricRule.Metric.errorRate.format(0.05) == "5%")
        #expect(MetricRule.Metric.p95.format(3.2) == "3.2s")
        #expect(MetricRule.Metric.p99.format(0.4505) == "450.5ms")
        #expect(MetricRule.Metric.requestRate.format(12) == "12/s")
    }
}
