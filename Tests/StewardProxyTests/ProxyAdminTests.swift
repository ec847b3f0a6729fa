import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting
import Testing

/// The admin API: the token, refusals that change nothing, a table that survives a crash, the counts.
@Suite struct ProxyAdminTests {
    /// Without the token, or with a wrong one, every route (known or not) answers 401.
    @Test func everyRouteNeedsTheToken() async throws {
        let bed = try await ProxyTestbed.start()
        for token in [nil, "stw_wrong"] {
            let stranger = AdminClient(port: bed.proxy.adminPort, token: token, client: bed.client)
            for (method, path) in [(HTTPMethod.GET, "/v1/routes"), (.PUT, "/v1/routes"), (.GET, "/v1/stats"), (.GET, "/metrics"), (.GET, "/nope")] {
                let answer = try await stranger.send(method, path, body: method == .PUT ? #"{"routes":[]}"# : nil)
                #expect(answer.status == 401, "\(method) \(path)")
            }
        }
        #expect(try await bed.admin.send(.GET, "/v1/routes").status == 200)
        await bed.shutdown()
    }

    /// Bad JSON, a wrong type, an invalid table: a 4xx JSON error, and the table in force is unchanged.
    @Test func badTablesChangeNothing() async throws {
        let bed = try await ProxyTestbed.start()
        let port = try FreePort.next()
        let good = ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: ["127.0.0.1:1"])])
        try await bed.admin.put(good)
        let before = try await bed.admin.send(.GET, "/v1/routes").body

        let notJSON = try await bed.admin.send(.PUT, "/v1/routes", body: "{routes")
        #expect(notJSON.status == 400)
        let wrongType = try await bed.admin.send(.PUT, "/v1/routes", body: #"{"routes":"all"}"#)
        #expect(wrongType.status == 400)
        #expect(wrongType.body.contains("'routes' has the wrong type"))
        let text = try await bed.admin.send(.PUT, "/v1/routes", body: "routes", contentType: "text/plain")
        #expect(text.status == 415)
        let invalid = try await bed.admin.send(
            .PUT, "/v1/routes",
            body: #"{"routes":[{"service":"api","environment":"production","listenPort":\#(bed.proxy.adminPort),"releases":[{"release":1,"name":"stable","weight":300,"upstreams":["x"]}]}]}"#)
        #expect(invalid.status == 422)
        #expect(invalid.body.contains(#""path":"routes[0].releases[0].weight""#))
        #expect(invalid.body.contains(#""path":"routes[0].listenPort""#))

        #expect(try await bed.admin.send(.GET, "/v1/routes").body == before)
        #expect(FreePort.isListening(port))
        await bed.shutdown()
    }

    /// A route moved to another port: the new port listens, the old one stops listening.
    @Test func listenersFollowTheTable() async throws {
        let bed = try await ProxyTestbed.start()
        let first = try FreePort.next()
        let second = try FreePort.next()
        let releases = [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: ["127.0.0.1:1"])]
        try await bed.admin.put(ProxyTestbed.table(port: first, releases))
        #expect(FreePort.isListening(first))
        try await bed.admin.put(ProxyTestbed.table(port: second, releases))
        #expect(FreePort.isListening(second))
        #expect(!FreePort.isListening(first))
        try await bed.admin.put(RouteTable())
        #expect(!FreePort.isListening(second))
        await bed.shutdown()
    }

    /// After a SIGKILL and a restart, the proxy listens on the same port with the same routes, from its
    /// private state directory.
    @Test func tableSurvivesKillAndRestart() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        let table = ProxyTestbed.table(port: port, sticky: true, [ReleaseTarget(release: 3, name: "stable", weight: 100, upstreams: [upstream.address])])
        try await bed.admin.put(table)
        #expect(try await bed.request(port: port, "/name").status == 200)
        let routes = try await bed.admin.send(.GET, "/v1/routes").body

        try await bed.proxy.restart()
        // The client's pooled connections died with the old process; the first answer of the new one counts.
        try await eventually("the restarted proxy to answer on its admin port") {
            try await bed.admin.send(.GET, "/v1/routes").status == 200
        }
        #expect(try await bed.admin.send(.GET, "/v1/routes").body == routes)
        try await eventually("the restarted proxy to listen on \(port) again") {
            try await bed.request(port: port, "/name").status == 200
        }
        let answer = try await bed.request(port: port, "/name")
        #expect(answer.status == 200)
        #expect(String(buffer: answer.body) == "a")
        #expect(answer.headers.first(name: "Set-Cookie")?.hasPrefix("steward-release=3;") == true)

        let modes = try [bed.proxy.stateDirectory, bed.proxy.stateDirectory + "/routes.json", bed.proxy.stateDirectory + "/proxy.token"]
            .map { (try FileManager.default.attributesOfItem(atPath: $0)[.posixPermissions] as? Int) ?? -1 }
        #expect(modes == [0o700, 0o600, 0o600])
        await bed.shutdown()
    }

    /// `/metrics` and `/v1/stats` count per release exactly the requests sent to it.
    @Test func metricsCountPerRelease() async throws {
        let bed = try await ProxyTestbed.start()
        let stable = try await TestUpstream.start(name: "stable")
        let canary = try await TestUpstream.start(name: "canary")
        defer {
            stable.stop()
            canary.stop()
        }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [
            ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [stable.address]),
            ReleaseTarget(release: 2, name: "canary", weight: 0, upstreams: [canary.address]),
        ]))
        for _ in 0..<23 { #expect(try await bed.request(port: port, "/name").body == ByteBuffer(string: "stable")) }
        for _ in 0..<7 {
            #expect(try await bed.request(port: port, "/name", headers: [("X-Steward-Release", "canary")]).body == ByteBuffer(string: "canary"))
        }
        for _ in 0..<2 { #expect(try await bed.request(port: port, "/missing", headers: [("X-Steward-Release", "2")]).status == 404) }

        let metrics = try await bed.admin.send(.GET, "/metrics")
        #expect(metrics.status == 200)
        let labels = #"service="api",environment="production""#
        #expect(metricValue(metrics.body, #"steward_proxy_requests_total{\#(labels),release="1",name="stable"}"#) == "23")
        #expect(metricValue(metrics.body, #"steward_proxy_requests_total{\#(labels),release="2",name="canary"}"#) == "9")
        #expect(metricValue(metrics.body, #"steward_proxy_responses_5xx_total{\#(labels),release="2",name="canary"}"#) == "0")
        #expect(metricValue(metrics.body, #"steward_proxy_request_duration_seconds_count{\#(labels),release="1",name="stable"}"#) == "23")

        let stats = try JSONDecoder().decode(StatsSnapshot.self, from: Data(try await bed.admin.send(.GET, "/v1/stats").body.utf8))
        let releases = stats.routes[0].releases
        #expect(releases.map(\.requests) == [23, 9])
        #expect(releases.map(\.latency.window.count) == [23, 9])
        #expect(releases[0].latency.sinceStart.p99Ms > 0)
        await bed.shutdown()
    }

    /// `?window=` adds each release's recent traffic: a release whose upstream refuses every connection
    /// has only errors (502s), its neighbour none; a window the proxy does not keep is a 400.
    @Test func recentWindowsPerRelease() async throws {
        let bed = try await ProxyTestbed.start()
        let stable = try await TestUpstream.start(name: "stable")
        defer { stable.stop() }
        let port = try FreePort.next()
        let deadPort = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [
            ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [stable.address]),
            ReleaseTarget(release: 2, name: "canary", weight: 0, upstreams: ["127.0.0.1:\(deadPort)"]),
        ]))
        for _ in 0..<12 { #expect(try await bed.request(port: port, "/name").status == 200) }
        for _ in 0..<4 { #expect(try await bed.request(port: port, "/name", headers: [("X-Steward-Release", "2")]).status == 502) }

        let answer = try await bed.admin.send(.GET, "/v1/stats?window=5m")
        #expect(answer.status == 200)
        let stats = try JSONDecoder().decode(StatsSnapshot.self, from: Data(answer.body.utf8))
        let recent = stats.routes[0].releases.map(\.recent)
        #expect(recent.map { $0?.requests } == [12, 4])
        #expect(recent.map { $0?.errors } == [0, 4])
        #expect(recent.map { $0?.errorRate } == [0, 1])
        #expect(recent.map { $0?.windowSeconds } == [300, 300])
        #expect((recent[0]?.p99Ms ?? 0) > 0)

        let plain = try JSONDecoder().decode(StatsSnapshot.self, from: Data(try await bed.admin.send(.GET, "/v1/stats").body.utf8))
        #expect(plain.routes[0].releases.allSatisfy { $0.recent == nil })
        for bad in ["16m", "0s", "5", "5h", "abc", "-5s", "99999999999s"] {
            let refused = try await bed.admin.send(.GET, "/v1/stats?window=\(bad)")
            #expect(refused.status == 400, "window=\(bad)")
            #expect(refused.body.contains("expected whole seconds or minutes from 1s to 15m"), "window=\(bad)")
        }
        await bed.shutdown()
    }
}
