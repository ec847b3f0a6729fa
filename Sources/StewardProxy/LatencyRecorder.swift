import Histogram

/// Latencies of one release: since start, and over a sliding window of the last one to two periods.
///
/// The window is two histograms that take turns: every `period`, the older one is cleared and
/// becomes the current one, so the window always covers between one and two periods.
struct LatencyRecorder: Sendable {
    /// Microseconds, up to one hour, 3 significant digits.
    private static func empty() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    private var cumulative = empty()
    private var current = empty()
    private var previous = empty()
    private var currentStartedAt: ContinuousClock.Instant
    let period: Duration

    init(period: Duration = .seconds(30), now: ContinuousClock.Instant = .now) {
        self.period = period
        self.currentStartedAt = now
    }

    mutating func record(microseconds: UInt64, now: ContinuousClock.Instant = .now) {
        rotate(now: now)
        let value = min(max(microseconds, 1), 3_600_000_000)
        cumulative.record(value)
        current.record(value)
    }

    /// The summary since start.
    var sinceStart: LatencySummary { LatencySummary(cumulative) }

    /// The summary of the sliding window, as ``record(microseconds:now:)`` would leave it at `now`.
    ///
    /// Reading changes nothing, so a snapshot needs no write access (and copies no histogram).
    func window(now: ContinuousClock.Instant = .now) -> LatencySummary {
        let age = now - currentStartedAt
        if age >= period * 2 { return LatencySummary(Self.empty()) }
        if age >= period { return LatencySummary(current) }
        var merged = previous
        merged.add(current)
        return LatencySummary(merged)
    }

    private mutating func rotate(now: ContinuousClock.Instant) {
        guard now - currentStartedAt >= period else { return }
        if now - currentStartedAt >= period * 2 {
            previous.reset()
        } else {
            previous = current
        }
        current.reset()
        currentStartedAt = now
    }
}

/// Count and percentiles of a set of latencies, in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double

    init(_ histogram: Histogram<UInt64>) {
        let count = histogram.totalCount
        self.count = count
        func ms(_ percentile: Double) -> Double {
            count == 0 ? 0 : (Double(histogram.valueAtPercentile(percentile)) / 1000).rounded(toPlaces: 3)
        }
        p50Ms = ms(50)
        p95Ms = ms(95)
        p99Ms = ms(99)
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
