/// What one release measured over a window of time that ends at the moment of measurement: the
/// input of ``MetricAnalysis``.
///
/// A source (the traffic proxy, a Prometheus server) aggregates the whole window itself, so a
/// percentile is the percentile of every request of the window, not an average of smaller ones.
public struct WindowMeasurement: Sendable, Codable, Equatable {
    /// The window asked for.
    public var window: TimeSpan
    /// How much time the numbers really cover, when the source knows; `nil` means the whole window.
    /// The proxy covers less than the window only when it (re)started within it.
    public var covered: TimeSpan?
    /// Requests that finished in the window. Whole from the proxy; an estimate from Prometheus,
    /// whose `increase()` extrapolates to the window's edges (the error rate, a ratio of two
    /// estimates over the same samples, stays exact).
    public var requests: Double
    /// Of those, the ones that failed (5xx, or no upstream answered).
    public var errors: Double
    /// Requests per second over the window.
    public var requestsPerSecond: Double
    /// Latency percentiles in seconds; `nil` when the source has none (no request in the window).
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?

    public init(
        window: TimeSpan, covered: TimeSpan? = nil, requests: Double, errors: Double, requestsPerSecond: Double,
        p50: Double? = nil, p90: Double? = nil, p95: Double? = nil, p99: Double? = nil
    ) {
        self.window = window
        self.covered = covered
        self.requests = requests
        self.errors = errors
        self.requestsPerSecond = requestsPerSecond
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
    }

    /// The value a rule on `metric` compares, in the rule's base unit (a fraction, seconds,
    /// requests per second); `nil` when the window has none (an error rate of no request).
    public func value(of metric: MetricRule.Metric) -> Double? {
        switch metric {
        case .errorRate: return requests > 0 ? errors / requests : nil
        case .p50: return requests > 0 ? p50 : nil
        case .p90: return requests > 0 ? p90 : nil
        case .p95: return requests > 0 ? p95 : nil
        case .p99: return requests > 0 ? p99 : nil
        case .requestRate: return requestsPerSecond
        }
    }
}
