import Synchronization

/// What the proxy measured, per route and release: requests, 5xx answers, connection errors, latency.
///
/// Recorded once per request when its answer ends (or fails); read by `GET /v1/stats` and `/metrics`.
public final class ProxyStats: Sendable {
    struct Key: Hashable, Sendable {
        var route: String
        var release: Int
    }

    struct Counters: Sendable {
        var requests: UInt64 = 0
        var responses5xx: UInt64 = 0
        var connectionErrors: UInt64 = 0
        var latency = LatencyRecorder()
    }

    private let counters = Mutex<[Key: Counters]>([:])
    /// Requests a route answered with 503 itself because no release could serve.
    private let unavailable = Mutex<[String: UInt64]>([:])

    public init() {}

    /// Records one finished request: its status (502 when no upstream answered) and its latency.
    func recordRequest(route: String, release: Int, status: Int, microseconds: UInt64) {
        counters.withLock { counters in
            let key = Key(route: route, release: release)
            var entry = counters[key] ?? Counters()
            entry.requests += 1
            if status >= 500 { entry.responses5xx += 1 }
            entry.latency.record(microseconds: microseconds)
            counters[key] = entry
        }
    }

    /// Records a failed connection (or a connection lost before the answer) to an upstream of a release.
    func recordConnectionError(route: String, release: Int) {
        counters.withLock { counters in
            counters[Key(route: route, release: release), default: Counters()].connectionErrors += 1
        }
    }

    /// Records a request answered 503 because the route had nothing to send it to.
    func recordUnavailable(route: String) {
        unavailable.withLock { $0[route, default: 0] += 1 }
    }

    /// A snapshot for the routes of `table` (releases with nothing recorded show zeros).
    public func snapshot(of table: RouteTable) -> StatsSnapshot {
        let unavailable = self.unavailable.withLock { $0 }
        return counters.withLock { counters in
            StatsSnapshot(
                routes: table.routes.map { route in
                    StatsSnapshot.Route(
                        service: route.service, environment: route.environment, listenPort: route.listenPort,
                        unavailable: unavailable[route.key] ?? 0,
                        releases: route.releases.map { release in
                            let key = Key(route: route.key, release: release.release)
                            var entry = counters[key] ?? Counters()
                            let window = entry.latency.window()
                            counters[key] = entry
                            return StatsSnapshot.Release(
                                release: release.release, name: release.name, weight: release.weight,
                                requests: entry.requests, responses5xx: entry.responses5xx,
                                connectionErrors: entry.connectionErrors,
                                latency: .init(window: window, sinceStart: entry.latency.sinceStart))
                        })
                })
        }
    }
}

/// The answer of `GET /v1/stats`.
public struct StatsSnapshot: Codable, Sendable, Equatable {
    public struct Route: Codable, Sendable, Equatable {
        public var service: String
        public var environment: String
        public var listenPort: Int
        /// Requests answered 503 by the proxy: weights summing to 0 or no upstream.
        public var unavailable: UInt64
        public var releases: [Release]
    }

    public struct Release: Codable, Sendable, Equatable {
        public var release: Int
        public var name: String
        public var weight: Int
        public var requests: UInt64
        public var responses5xx: UInt64
        public var connectionErrors: UInt64
        public var latency: Latency
    }

    public struct Latency: Codable, Sendable, Equatable {
        /// The last 30 to 60 seconds.
        public var window: LatencySummary
        public var sinceStart: LatencySummary
    }

    public var routes: [Route]
}
