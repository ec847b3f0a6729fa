public import StewardCore

/// Measurements from the traffic proxy's own windows (`GET /v1/stats?window=`): no extra
/// component, whole counts, windows of 1 second to 15 minutes.
public struct ProxyMetricsProvider: ReleaseMetricsProvider {
    public let client: ProxyClient

    public init(client: ProxyClient) { self.client = client }

    public func measure(release: Int, of target: ServiceEnvironment, over window: TimeSpan) async throws -> WindowMeasurement? {
        try await client.recentStats(over: window).first { $0.target == target && $0.release == release }?.measurement
    }
}
