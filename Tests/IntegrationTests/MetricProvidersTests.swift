import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// The two metric providers against real parts: a `steward proxy` in front of a test upstream, and a
/// Debian `prometheus` scraping the proxy's `/metrics` every second. Both must see the same traffic.
@Suite(.serialized) struct MetricProvidersTests {
    static let target = ServiceEnvironment(service: "api", environment: "production")

    /// Fixed traffic to the canary (35 fast, 5 slow, 10 failed): the proxy provider counts it
    /// exactly, and Prometheus gives the same error rate and a p95 in the slow requests' bucket.
    @Test func bothProvidersSeeTheSameTraffic() async throws {
        let bed = try await MetricsTestbed.start()
        defer { bed.stop() }
        let prometheus = try await PrometheusServer.start(scraping: "127.0.0.1:\(bed.adminPort)", bearerToken: bed.token)
        defer { prometheus.stop() }
        let queries = PrometheusClient(baseURL: prometheus.url)
        let canaryRequests = #"steward_proxy_requests_total{service="api",environment="production",release="2"}"#
        // A scrape before any request: the window below starts from zero.
        try await eventually(timeout: .seconds(30), "Prometheus to scrape the proxy's zero counts") {
            try await queries.scalar(canaryRequests) == 0
        }

        for index in 0..<50 {
            let path = index % 5 == 0 ? "/fail" : index % 10 == 1 ? "/slow" : "/ok"
            let status = try await bed.request(path, release: "canary")
            #expect(status == (path == "/fail" ? 500 : 200))
        }

        let fromProxy = try #require(
            try await ProxyMetricsProvider(client: bed.client).measure(release: 2, of: Self.target, over: .seconds(60)))
        #expect(fromProxy.requests == 50)
        #expect(fromProxy.errors == 10)
        #expect(fromProxy.value(of: .errorRate) == 0.2)
        // The slow answers waited 300 ms upstream: the last 5 of 50, past the 95th percentile's rank.
        #expect((fromProxy.p95 ?? 0) >= 0.3)
        let stable = try await ProxyMetricsProvider(client: bed.client).measure(release: 1, of: Self.target, over: .seconds(60))
        #expect(stable?.requests == 0)

        try await eventually(timeout: .seconds(30), "Prometheus to scrape the 50 requests") {
            try await queries.scalar(canaryRequests) == 50
        }
        let fromPrometheus = try #require(
            try await PrometheusMetricsProvider(client: queries).measure(release: 2, of: Self.target, over: .seconds(60)))
        // increase() extrapolates both counts alike, so their ratio is the exact error rate.
        #expect(abs((fromPrometheus.value(of: .errorRate) ?? 0) - 0.2) < 1e-9)
        #expect(fromPrometheus.requests >= 50 && fromPrometheus.requests < 60)
        // histogram_quantile interpolates inside the proxy's (0.25 s, 0.5 s] bucket.
        #expect((fromPrometheus.p95 ?? 0) >= 0.25)
        #expect(
            try await PrometheusMetricsProvider(client: queries).measure(release: 9, of: Self.target, over: .seconds(60)) == nil)
    }

    /// Under steady traffic, `error_rate > 5% for 5s min 20` fails the canary (half its requests
    /// fail) and passes the stable release, through either provider.
    @Test func rulesFailTheCanaryAndPassTheStableRelease() async throws {
        let bed = try await MetricsTestbed.start()
        defer { bed.stop() }
        let prometheus = try await PrometheusServer.start(scraping: "127.0.0.1:\(bed.adminPort)", bearerToken: bed.token)
        defer { prometheus.stop() }
        let rules = [try MetricRule(parsing: "error_rate > 5% for 5s min 20")]
        let providers: [(String, any ReleaseMetricsProvider)] = [
            ("proxy", ProxyMetricsProvider(client: bed.client)),
            ("prometheus", PrometheusMetricsProvider(client: PrometheusClient(baseURL: prometheus.url))),
        ]
        let startedAt = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Traffic until the checks are done: the canary alternates a good and a failed request.
            group.addTask { try await bed.keepSending(release: "stable", paths: ["/ok"]) }
            group.addTask { try await bed.keepSending(release: "canary", paths: ["/ok", "/fail"]) }
            for (name, provider) in providers {
                var canary = AnalysisVerdict.passing
                try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(250), "\(name): the canary's rule to fail") {
                    canary = try await provider.analyze(rules, release: 2, of: Self.target, startedAt: startedAt)
                    if case .failing = canary { return true }
                    return false
                }
                guard case .failing(let failure) = canary else { continue }
                #expect(failure.rule == rules[0], "\(name)")
                #expect(failure.window == .seconds(5), "\(name)")
                #expect(failure.measured > 0.3 && failure.measured < 0.7, "\(name): \(failure)")
                #expect(failure.requests >= 20, "\(name)")
                try await eventually(timeout: .seconds(60), pollEvery: .milliseconds(250), "\(name): the stable release's rule to pass") {
                    try await provider.analyze(rules, release: 1, of: Self.target, startedAt: startedAt) == .passing
                }
            }
            group.cancelAll()
        }
    }
}

/// A `steward proxy` with one route (`api` in `production`) whose two releases share one test upstream:
/// `/ok` answers 200, `/fail` 500, `/slow` 200 after 300 ms.
struct MetricsTestbed: Sendable {
    let directory: TemporaryDirectory
    let proxy: LaunchedProcess
    let upstream: TestHTTPServer
    let adminPort: Int
    let routePort: Int
    let token: String
    let client: ProxyClient

    static func start() async throws -> MetricsTestbed {
        let upstream = try TestHTTPServer.start { request in
            switch request.path {
            case "/fail": return TestHTTPResponse(status: 500, body: "{}")
            case "/slow":
                Thread.sleep(forTimeInterval: 0.3)
                return TestHTTPResponse(status: 200, body: "{}")
            default: return TestHTTPResponse(status: 200, body: "{}")
            }
        }
        let directory = try TemporaryDirectory(prefix: "steward-metrics")
        let adminPort = try FreePort.next()
        var routePort = try FreePort.next()
        while routePort == adminPort { routePort = try FreePort.next() }
        let state = directory.path + "/proxy"
        let proxy = try LaunchedProcess.launch(
            name: "steward proxy", executable: StewardCluster.stewardBinary,
            arguments: ["proxy", "--state-dir", state, "--admin-port", "\(adminPort)"],
            logPath: directory.path + "/proxy.log")
        try await eventually(timeout: .seconds(30), "steward proxy to serve its admin API on \(adminPort)") {
            guard proxy.isRunning else { throw UnexpectedAnswer(description: "steward proxy exited: \(proxy.output())") }
            return FreePort.isListening(adminPort)
        }
        let token = try String(contentsOfFile: state + "/proxy.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let client = ProxyClient(baseURL: "http://127.0.0.1:\(adminPort)", token: token)
        let upstreams = ["127.0.0.1:\(upstream.port)"]
        try await client.replaceRoutes(
            with: TrafficTable(routes: [
                TrafficRoute(
                    service: "api", environment: "production", listenPort: routePort,
                    releases: [
                        TrafficRelease(release: 1, name: "stable", weight: 100, upstreams: upstreams),
                        TrafficRelease(release: 2, name: "canary", weight: 0, upstreams: upstreams),
                    ])
            ]))
        return MetricsTestbed(
            directory: directory, proxy: proxy, upstream: upstream, adminPort: adminPort, routePort: routePort,
            token: token, client: client)
    }

    /// Sends `GET path` through the route to `release` (by the `X-Steward-Release` header); the status.
    func request(_ path: String, release: String) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(routePort)\(path)")!)
        request.setValue(release, forHTTPHeaderField: "X-Steward-Release")
        request.timeoutInterval = 10
        return try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode ?? 0)
                }
            }.resume()
        }
    }

    /// Sends requests to `release`, cycling through `paths`, until cancelled.
    func keepSending(release: String, paths: [String]) async throws {
        var index = 0
        while !Task.isCancelled {
            _ = try? await request(paths[index % paths.count], release: release)
            index += 1
        }
    }

    func stop() {
        proxy.kill()
        upstream.stop()
        directory.remove()
    }
}
