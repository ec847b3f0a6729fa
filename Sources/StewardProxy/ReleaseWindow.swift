import Histogram

/// A release's recent traffic, for `GET /v1/stats?window=5s`: requests, errors and latency over any
/// window from 1 second to 15 minutes that ends now.
///
/// Two rings: one-second slots for the last two minutes (windows up to 120 s, to the second) and
/// ten-second slots for the last quarter of an hour (longer windows, to ten seconds). Every
/// request is counted in both, so each window is read from one ring. A window of `W` is the
/// slot in progress plus the `⌈W / slot⌉` whole slots before it: it covers at least `W` and at
/// most one slot more, unless the proxy started less than `W` ago.
struct ReleaseWindow {
    /// The longest window answered.
    static let longest: Duration = .seconds(15 * 60)
    /// Windows up to this long are read from the one-second ring.
    static let longestFine: Duration = .seconds(120)

    private var fine = SlotRing(slotLength: .seconds(1), capacity: 121)
    private var coarse = SlotRing(slotLength: .seconds(10), capacity: 91)

    /// Counts a finished request `nanoseconds` after the proxy started.
    mutating func record(at nanoseconds: Int64, isError: Bool, microseconds: UInt64) {
        fine.record(at: nanoseconds, isError: isError, microseconds: microseconds)
        coarse.record(at: nanoseconds, isError: isError, microseconds: microseconds)
    }

    /// The traffic of the `window` ending `nanoseconds` after the proxy started.
    ///
    /// - Precondition: `window` is from 1 second to ``longest``.
    func stats(over window: Duration, at nanoseconds: Int64) -> RecentStats {
        precondition(window >= .seconds(1) && window <= Self.longest, "windows are 1 s to 15 min")
        let ring = window <= Self.longestFine ? fine : coarse
        let wholeSlots = (window.nanoseconds + ring.slotNanoseconds - 1) / ring.slotNanoseconds
        let totals = ring.totals(ofLast: Int(wholeSlots) + 1, at: nanoseconds)
        let slotStart = ring.slotNumber(at: nanoseconds) * ring.slotNanoseconds
        let covered = min(wholeSlots * ring.slotNanoseconds + (nanoseconds - slotStart), max(nanoseconds, 0))
        return RecentStats(
            windowSeconds: Int(window.nanoseconds / 1_000_000_000), seconds: Double(covered) / 1e9, totals: totals)
    }
}

/// A release's traffic over a recent window (`releases[].recent` of `GET /v1/stats?window=…`).
public struct RecentStats: Codable, Sendable, Equatable {
    /// The window asked for, in seconds.
    public var windowSeconds: Int
    /// The time the counts cover: from the window to one slot (1 s, or 10 s past two minutes) more;
    /// less only when the proxy started more recently than the window.
    public var seconds: Double
    /// Requests that finished in the window, answered or failed.
    public var requests: UInt64
    /// Of those, the ones answered with a 5xx status, including the 502s of the proxy when no
    /// upstream of the release answered (a connection error that a retry recovered is not one).
    public var errors: UInt64
    /// `errors / requests`; absent when there was no request.
    public var errorRate: Double?
    /// `requests / seconds`.
    public var requestsPerSecond: Double
    /// Latency percentiles in milliseconds (1 % resolution); absent when there was no request.
    public var p50Ms: Double?
    public var p90Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?

    init(windowSeconds: Int, seconds: Double, totals: SlotRing.Totals) {
        self.windowSeconds = windowSeconds
        self.seconds = seconds
        requests = totals.requests
        errors = totals.errors
        errorRate = totals.requests == 0 ? nil : Double(totals.errors) / Double(totals.requests)
        requestsPerSecond = seconds > 0 ? Double(totals.requests) / seconds : 0
        func ms(_ percentile: Double) -> Double? {
            totals.requests == 0 ? nil : Double(totals.latency.valueAtPercentile(percentile)) / 1000
        }
        p50Ms = ms(50)
        p90Ms = ms(90)
        p95Ms = ms(95)
        p99Ms = ms(99)
    }
}
