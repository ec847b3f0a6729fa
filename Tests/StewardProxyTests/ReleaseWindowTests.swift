import Foundation
import Testing

@testable import StewardProxy

/// The proxy's recent windows, driven by explicit moments: which requests a window holds, what it covers.
@Suite struct ReleaseWindowTests {
    /// Nanoseconds of `seconds` since the proxy started.
    func at(_ seconds: Double) -> Int64 { Int64(seconds * 1e9) }

    /// A 5 s window holds the slot in progress and the five whole seconds before it, nothing older.
    @Test func aWindowHoldsItsLastSlots() {
        var window = ReleaseWindow()
        for second in 0..<20 {
            // Second s: s + 1 requests, the last one failed when s is even.
            for index in 0...second {
                window.record(at: at(Double(second) + 0.1), isError: second % 2 == 0 && index == second, microseconds: 1000)
            }
        }
        let stats = window.stats(over: .seconds(5), at: at(19.5))
        // Seconds 14…19: 15 + 16 + 17 + 18 + 19 + 20 requests, errors in 14, 16, 18.
        #expect(stats.requests == 105)
        #expect(stats.errors == 3)
        #expect(stats.errorRate == 3.0 / 105.0)
        #expect(stats.windowSeconds == 5)
        #expect(stats.seconds == 5.5)
        #expect(stats.requestsPerSecond == 105 / 5.5)
    }

    /// Right after start a window covers only the time since; with no request it has no rate or percentile.
    @Test func aYoungOrEmptyWindow() {
        var window = ReleaseWindow()
        let empty = window.stats(over: .seconds(5), at: at(2))
        #expect(empty.seconds == 2)
        #expect(empty.requests == 0)
        #expect(empty.errorRate == nil)
        #expect(empty.p99Ms == nil)
        window.record(at: at(1), isError: true, microseconds: 500)
        #expect(window.stats(over: .seconds(5), at: at(2)).errorRate == 1)
        // Ten seconds later the request has left the 5 s window.
        #expect(window.stats(over: .seconds(5), at: at(12)).requests == 0)
    }

    /// Slots are reused when the ring comes round: old counts never leak into a new window.
    @Test func theRingForgetsWhatItNoLongerKeeps() {
        var window = ReleaseWindow()
        for second in 0..<100 { window.record(at: at(Double(second)), isError: true, microseconds: 2000) }
        // 200 s later (the one-second ring has 121 slots) the same places hold new seconds.
        for second in 300..<305 { window.record(at: at(Double(second)), isError: false, microseconds: 2000) }
        let stats = window.stats(over: .seconds(120), at: at(304.5))
        #expect(stats.requests == 5)
        #expect(stats.errors == 0)
        // The ten-second ring holds the last quarter of an hour: at 304.5 s, a 5 min window reaches back to 0 s.
        #expect(window.stats(over: .seconds(300), at: at(304.5)).requests == 105)
        #expect(window.stats(over: .seconds(900), at: at(1000)).requests == 5)
    }

    /// Windows past two minutes are read from ten-second slots: they cover the window plus the slot in progress.
    @Test func longWindowsUseTenSecondSlots() {
        var window = ReleaseWindow()
        for second in 0..<695 { window.record(at: at(Double(second) + 0.5), isError: false, microseconds: 1000) }
        let stats = window.stats(over: .seconds(300), at: at(695))
        // Slots 39…69 (390 s to 695 s): one request a second, 305 over 305 s.
        #expect(stats.requests == 305)
        #expect(stats.seconds == 305)
        #expect(stats.requestsPerSecond == 1)
    }

    /// Percentiles come from every request of the window, to 1 %.
    @Test func percentilesOfTheWindow() {
        var window = ReleaseWindow()
        for millisecond in 1...1000 {
            window.record(at: at(Double(millisecond) / 1000), isError: false, microseconds: UInt64(millisecond) * 1000)
        }
        let stats = window.stats(over: .seconds(5), at: at(1.5))
        #expect(stats.requests == 1000)
        for (value, expected) in [(stats.p50Ms, 500.0), (stats.p90Ms, 900.0), (stats.p95Ms, 950.0), (stats.p99Ms, 990.0)] {
            #expect(abs((value ?? 0) - expected) <= expected * 0.01, "\(String(describing: value)) for \(expected)")
        }
    }

    /// The stats of a process: per release, with its own window, and `/metrics` buckets that add up.
    @Test func snapshotsGiveEachReleaseItsWindowAndBuckets() throws {
        let origin = ContinuousClock.now
        let stats = ProxyStats(now: origin)
        let table = RouteTable(routes: [
            ProxyRoute(service: "api", environment: "production", listenPort: 8080, releases: [
                ReleaseTarget(release: 1, name: "stable", weight: 90, upstreams: ["127.0.0.1:1"]),
                ReleaseTarget(release: 2, name: "canary", weight: 10, upstreams: ["127.0.0.1:2"]),
            ])
        ])
        for index in 0..<40 {
            stats.recordRequest(
                route: "api/production", release: 2, status: index % 4 == 0 ? 502 : 200,
                microseconds: index < 38 ? 20_000 : 2_600_000, now: origin + .milliseconds(100 * index))
        }
        stats.recordRequest(route: "api/production", release: 1, status: 200, microseconds: 1000, now: origin + .seconds(1))
        let snapshot = stats.snapshot(of: table, recent: .seconds(10), now: origin + .seconds(5))
        let canary = try #require(snapshot.routes.first?.releases.last)
        let recent = try #require(canary.recent)
        #expect(recent.requests == 40)
        #expect(recent.errors == 10)
        #expect(recent.errorRate == 0.25)
        #expect(recent.seconds == 5)
        #expect(snapshot.routes[0].releases[0].recent?.requests == 1)
        #expect(stats.snapshot(of: table, now: origin + .seconds(5)).routes[0].releases[1].recent == nil)

        let histogram = canary.latency.histogram
        #expect(histogram.count == 40)
        #expect(histogram.buckets.first { $0.le == 0.025 }?.count == 38)
        #expect(histogram.buckets.first { $0.le == 2.5 }?.count == 38)
        #expect(histogram.buckets.first { $0.le == 3 }?.count == 40)
        let text = snapshot.prometheusText
        let labels = #"service="api",environment="production",release="2",name="canary""#
        #expect(text.contains(#"steward_proxy_request_duration_seconds_bucket{\#(labels),le="0.025"} 38"#))
        #expect(text.contains(#"steward_proxy_request_duration_seconds_bucket{\#(labels),le="3"} 40"#))
        #expect(text.contains(#"steward_proxy_request_duration_seconds_bucket{\#(labels),le="+Inf"} 40"#))
        #expect(text.contains(#"steward_proxy_request_duration_seconds_count{\#(labels)} 40"#))
        #expect(text.contains("# TYPE steward_proxy_request_duration_seconds histogram"))
    }
}
