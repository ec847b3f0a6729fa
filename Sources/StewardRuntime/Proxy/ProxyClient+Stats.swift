import Foundation
public import StewardCore

/// One release's traffic over a recent window, as the proxy measured it (`GET /v1/stats?window=`).
public struct ProxyReleaseWindow: Sendable, Equatable {
    public var target: ServiceEnvironment
    public var release: Int
    /// "stable", "next"…, as in the table.
    public var name: String
    public var weight: Int
    public var measurement: WindowMeasurement

    public init(target: ServiceEnvironment, release: Int, name: String, weight: Int, measurement: WindowMeasurement) {
        self.target = target
        self.release = release
        self.name = name
        self.weight = weight
        self.measurement = measurement
    }
}

extension ProxyClient {
    /// Every release of every route, measured over the `window` that ends now.
    ///
    /// The proxy keeps 15 minutes in whole seconds: the window is rounded up to a second (at least 1 s);
    /// a longer one is refused with a ``Failure`` of status 400 naming the limit.
    public func recentStats(over window: TimeSpan) async throws -> [ProxyReleaseWindow] {
        let seconds = max(1, (window.milliseconds + 999) / 1000)
        let data = try await send("GET", "/v1/stats?window=\(seconds)s", body: nil)
        let snapshot: StatsAnswer
        do {
            snapshot = try JSONDecoder.steward.decode(StatsAnswer.self, from: data)
        } catch {
            throw Failure(status: 200, message: "the stats answer is not what was expected: \(error)")
        }
        return snapshot.routes.flatMap { route in
            route.releases.compactMap { release -> ProxyReleaseWindow? in
                guard let recent = release.recent else { return nil }
                return ProxyReleaseWindow(
                    target: ServiceEnvironment(service: route.service, environment: route.environment),
                    release: release.release, name: release.name, weight: release.weight,
                    measurement: WindowMeasurement(
                        window: .seconds(Int64(recent.windowSeconds)),
                        covered: .milliseconds(Int64((recent.seconds * 1000).rounded(.down))),
                        requests: Double(recent.requests), errors: Double(recent.errors),
                        requestsPerSecond: recent.requestsPerSecond,
                        p50: recent.p50Ms.map { $0 / 1000 }, p90: recent.p90Ms.map { $0 / 1000 },
                        p95: recent.p95Ms.map { $0 / 1000 }, p99: recent.p99Ms.map { $0 / 1000 }))
            }
        }
    }

    /// As much of the proxy's `GET /v1/stats` answer as the control plane reads (docs/proxy.md).
    private struct StatsAnswer: Decodable {
        struct Route: Decodable {
            var service: String
            var environment: String
            var releases: [Release]
        }
        struct Release: Decodable {
            var release: Int
            var name: String
            var weight: Int
            var recent: Recent?
        }
        struct Recent: Decodable {
            var windowSeconds: Int
            var seconds: Double
            var requests: UInt64
            var errors: UInt64
            var requestsPerSecond: Double
            var p50Ms: Double?
            var p90Ms: Double?
            var p95Ms: Double?
            var p99Ms: Double?
        }
        var routes: [Route]
    }
}
