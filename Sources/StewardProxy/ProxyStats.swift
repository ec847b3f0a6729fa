import Synchronization

/// What the proxy measured, per route and release: requests, 5xx answers, connection errors, latency,
/// since start and over recent windows.
///
/// Recorded once per request when its answer ends (or fails); read by `GET /v1/stats` and `/metrics`.
/// Every entry is changed in place under one lock, so a request costs a few increments and
/// histogram records, and no allocation once its slots exist.
public final class ProxyStats: Sendable {
    struct Key: Hashable, Sendable {
        var route: String
        var release: Int
    }

    struct Counters: Sendable {
        var requests: UInt64 = 0
        var responses5xx: UInt64 = 0
        var connectionErrors: UInt64 = 0
        var latency: LatencyRecorder
        var buckets = LatencyBuckets()
        var recent = ReleaseWindow()

        init(now: ContinuousClock.Instant) { latency = LatencyRecorder(now: now) }

        mutating func record(status: Int, microseconds: UInt64, now: ContinuousClock.Instant, sinceStart: Int64) {
            requests += 1
            if status >= 500 { responses5xx += 1 }
            latency.record(microseconds: microseconds, now: now)
            buckets.record(microseconds: microseconds)
            recent.record(at: sinceStart, isError: status >= 500, microseconds: microseconds)
        }
    }

    /// When the proxy started counting: recent windows are measured from here.
    private let origin: ContinuousClock.Instant
    private let counters = Mutex<[Key: Counters]>([:])
    /// Requests a route answered with 503 itself because no release could serve.
    private let unavailable = Mutex<[String: UInt64]>([:])

    public init(now: ContinuousClock.Instant = .now) { origin = now }

    /// Records one finished request: its status (502 when no upstream answered) and its latency.
    func recordRequest(
        route: String, release: Int, status: Int, microseconds: UInt64, now: ContinuousClock.Instant = .now
    ) {
        let sinceStart = (now - origin).nanoseconds
        counters.withLock { counters in
            counters[Key(route: route, release: release), default: Counters(now: now)].record(
                status: status, microseconds: microseconds, now: now, sinceStart: sinceStart)
        }
    }

    /// Records a failed connection (or a connection lost before the answer) to an upstream of a release.
    func recordConnectionError(route: String, release: Int) {
        counters.withLock { counters in
            counters[Key(route: route, release: release), default: Counters(now: .now)].connectionErrors += 1
        }
    }

    /// Records a request answered 503 because the route had nothing to send it to.
    func recordUnavailable(route: String) {
        unavailable.withLock { $0[route, default: 0] += 1 }
    }

    /// A snapshot for the routes of `table` (releases with nothing recorded show zeros).
    ///
    /// - Parameters:
    ///   - recent: also give each release's traffic over this window ending now (1 s to 15 min).
    ///   - now: the moment of the snapshot.
    public func snapshot(
        of table: RouteTable, recent: Duration? = nil, now: ContinuousClock.Instant = .now
    ) -> StatsSnapshot {
        let unavailable = self.unavailable.withLock { $0 }
        let sinceStart = (now - origin).nanoseconds
        return counters.withLock { counters in
            StatsSnapshot(
                routes: table.routes.map { route in
                    StatsSnapshot.Route(
                        service: route.service, environment: route.environment, listenPort: route.listenPort,
                        unavailable: unavailable[route.key] ?? 0,
                        releases: route.releases.map { release in
                            // Only read: the entry's buffers are shared, never copied.
                            let counts = counters[Key(route: route.key, release: release.release)] ?? Counters(now: now)
                            return StatsSnapshot.Release(
                                release: release.release, name: release.name, weight: release.weight,
                                requests: counts.requests, responses5xx: counts.responses5xx,
                                connectionErrors: counts.connectionErrors,
                                latency: .init(
                                    window: counts.latency.window(now: now), sinceStart: counts.latency.sinceStart,
                                    histogram: counts.buckets.histogram),
                                recent: recent.map { counts.recent.stats(over: $0, at: sinceStart) })
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
        /// The window asked for with `?window=`; absent otherwise.
        public var recent: RecentStats?
    }

    public struct Latency: Codable, Sendable, Equatable {
        /// The last 30 to 60 seconds.
        public var window: LatencySummary
        public var sinceStart: LatencySummary
        /// Counts under fixed bounds since start (the Prometheus histogram of `/metrics`).
        public var histogram: LatencyHistogram
    }

    public var routes: [Route]
}
