import Foundation
public import StewardCore

/// Measurements from a Prometheus server that scrapes the traffic proxy's `/metrics`
/// (docs/analysis.md shows the scrape configuration).
///
/// Each measurement is a handful of instant queries over the window, on the series the proxy
/// exports, selected by its `service`, `environment` and `release` labels:
/// - requests and errors: `sum(increase(steward_proxy_requests_total{…}[W]))` and the same on
///   `steward_proxy_responses_5xx_total`; estimates, since `increase()` extrapolates to the
///   window's edges, but their ratio, the error rate, is exact;
/// - request rate: `sum(rate(steward_proxy_requests_total{…}[W]))`;
/// - percentiles: `histogram_quantile(q, sum by (le) (rate(steward_proxy_request_duration_seconds_bucket{…}[W])))`,
///   interpolated inside the proxy's buckets (docs/proxy.md lists them).
///
/// All the queries of a measurement are evaluated at one moment, this process's clock (`time=`).
/// Windows are whole seconds, and Prometheus needs two scrapes inside a window to see a change:
/// a window should be at least twice the scrape interval.
public struct PrometheusMetricsProvider: ReleaseMetricsProvider {
    public let client: PrometheusClient

    public init(client: PrometheusClient) { self.client = client }

    public func measure(release: Int, of target: ServiceEnvironment, over window: TimeSpan) async throws -> WindowMeasurement? {
        let queries = Self.queries(release: release, of: target, over: window)
        // One moment for every query of the measurement, so that the counts are extrapolated alike.
        let now = Date()
        guard let requests = try await client.scalar(queries.requests, at: now) else { return nil }
        let errors = try await client.scalar(queries.errors, at: now) ?? 0
        let rate = try await client.scalar(queries.requestRate, at: now) ?? 0
        var percentiles: [Double?] = []
        for query in queries.percentiles { percentiles.append(try await client.scalar(query, at: now)) }
        return WindowMeasurement(
            window: .seconds(Self.seconds(window)), requests: requests, errors: errors, requestsPerSecond: rate,
            p50: percentiles[0], p90: percentiles[1], p95: percentiles[2], p99: percentiles[3])
    }

    /// The PromQL of one measurement.
    public struct Queries: Sendable, Equatable {
        public var requests: String
        public var errors: String
        public var requestRate: String
        /// p50, p90, p95, p99.
        public var percentiles: [String]
    }

    /// The queries that measure `release` of `target` over `window` (rounded up to whole seconds).
    public static func queries(release: Int, of target: ServiceEnvironment, over window: TimeSpan) -> Queries {
        let selector =
            "{service=\"\(escape(target.service))\",environment=\"\(escape(target.environment))\",release=\"\(release)\"}"
        let range = "[\(seconds(window))s]"
        return Queries(
            requests: "sum(increase(steward_proxy_requests_total\(selector)\(range)))",
            errors: "sum(increase(steward_proxy_responses_5xx_total\(selector)\(range)))",
            requestRate: "sum(rate(steward_proxy_requests_total\(selector)\(range)))",
            percentiles: ["0.5", "0.9", "0.95", "0.99"].map {
                "histogram_quantile(\($0), sum by (le) (rate(steward_proxy_request_duration_seconds_bucket\(selector)\(range))))"
            })
    }

    private static func seconds(_ window: TimeSpan) -> Int64 { max(1, (window.milliseconds + 999) / 1000) }

    /// A label value inside double quotes (PromQL string escapes).
    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
