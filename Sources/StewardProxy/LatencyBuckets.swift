/// Latencies since start counted under fixed bounds: the Prometheus histogram of `/metrics`
/// (`steward_proxy_request_duration_seconds_bucket{le=…}`), so that an external Prometheus can
/// compute percentiles over any window with `histogram_quantile`.
///
/// The bounds are dense around the thresholds stack files use (500 ms, 1 s, 2 s, 3 s), because
/// `histogram_quantile` interpolates linearly inside a bucket.
struct LatencyBuckets: Sendable {
    /// Upper bounds in seconds; a last bucket, `+Inf`, takes the rest.
    static let boundsSeconds: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 30, 60,
    ]
    private static let boundsMicroseconds: [UInt64] = boundsSeconds.map { UInt64(($0 * 1_000_000).rounded()) }

    /// Requests per bucket (not cumulative), the last one past every bound.
    private var counts = [UInt64](repeating: 0, count: boundsSeconds.count + 1)
    private var sumMicroseconds: UInt64 = 0

    mutating func record(microseconds: UInt64) {
        var index = 0
        while index < Self.boundsMicroseconds.count, microseconds > Self.boundsMicroseconds[index] { index += 1 }
        counts[index] += 1
        sumMicroseconds &+= microseconds
    }

    /// The cumulative form Prometheus expects.
    var histogram: LatencyHistogram {
        var running: UInt64 = 0
        var buckets: [LatencyHistogram.Bucket] = []
        for (index, bound) in Self.boundsSeconds.enumerated() {
            running += counts[index]
            buckets.append(.init(le: bound, count: running))
        }
        return LatencyHistogram(buckets: buckets, count: running + counts[counts.count - 1], sumSeconds: Double(sumMicroseconds) / 1e6)
    }
}

/// Cumulative latency counts since start (`latency.histogram` of `GET /v1/stats`).
public struct LatencyHistogram: Codable, Sendable, Equatable {
    /// Requests that took at most `le` seconds.
    public struct Bucket: Codable, Sendable, Equatable {
        public var le: Double
        public var count: UInt64
    }

    /// In increasing `le`; the `+Inf` bucket is ``count``.
    public var buckets: [Bucket]
    public var count: UInt64
    public var sumSeconds: Double
}
