import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting
import Testing

/// Upstreams that leave: drained from the table, or refusing connections.
@Suite struct ProxyResilienceTests {
    /// An upstream removed from the table gets no new request, and the one it is answering finishes.
    @Test func removedUpstreamDrains() async throws {
        let bed = try await ProxyTestbed.start()
        let old = try await TestUpstream.start(name: "old")
        let new = try await TestUpstream.start(name: "new")
        defer {
            old.stop()
            new.stop()
        }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [old.address])]))

        async let held = bed.request(port: port, "/hold")
        try await eventually("the request to reach the old upstream") { old.gate.arrived == 1 }
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 2, name: "stable", weight: 100, upstreams: [new.address])]))
        for _ in 0..<10 {
            #expect(String(buffer: try await bed.request(port: port, "/name").body) == "new")
        }
        old.gate.open()
        let answer = try await held
        #expect(answer.status == 200)
        #expect(String(buffer: answer.body) == "first,last from old")
        await bed.shutdown()
    }

    /// A refused connection sends even a POST to another upstream (nothing reached the first), and
    /// takes the refusing one out of rotation.
    @Test func refusedConnectionIsRetriedElsewhere() async throws {
        let bed = try await ProxyTestbed.start()
        let alive = try await TestUpstream.start(name: "alive")
        defer { alive.stop() }
        let dead = "127.0.0.1:\(try FreePort.next())"
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [alive.address, dead])]))

        for index in 0..<10 {
            let answer = try await bed.request(port: port, "/echo", method: .POST, body: ByteBuffer(string: "payload \(index)"))
            #expect(answer.status == 200)
            #expect(String(buffer: answer.body) == "payload \(index)")
        }
        let stats = try JSONDecoder().decode(StatsSnapshot.self, from: Data(try await bed.admin.send(.GET, "/v1/stats").body.utf8))
        #expect(stats.routes[0].releases[0].requests == 10)
        #expect(stats.routes[0].releases[0].responses5xx == 0)
        #expect(stats.routes[0].releases[0].connectionErrors >= 1)
        await bed.shutdown()
    }

    /// A GET whose release was rolled back while the request was on its way, and whose instance
    /// then closed the connection without answering, is answered by the release that took over
    /// (not a 502); a POST in the same spot, which may have had an effect, is not sent twice.
    @Test func requestOfALeavingReleaseFollowsTheTraffic() async throws {
        let bed = try await ProxyTestbed.start()
        let leaving = try await SilentUpstream.start()
        let taking = try await TestUpstream.start(name: "taking")
        defer {
            leaving.stop()
            taking.stop()
        }
        let port = try FreePort.next()
        let before = ProxyTestbed.table(port: port, [ReleaseTarget(release: 2, name: "stable", weight: 100, upstreams: [leaving.address])])
        let after = ProxyTestbed.table(port: port, [
            ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [taking.address]),
            ReleaseTarget(release: 2, name: "previous", weight: 0, upstreams: [leaving.address]),
        ])

        try await bed.admin.put(before)
        async let get = bed.request(port: port, "/name")
        try await eventually("the GET to reach the leaving release") { leaving.requests == 1 }
        try await bed.admin.put(after)
        leaving.closeConnections()
        let answer = try await get
        #expect(answer.status == 200)
        #expect(String(buffer: answer.body) == "taking")
        #expect(answer.headers.first(name: "X-Steward-Release") == "1")

        try await bed.admin.put(before)
        async let post = bed.request(port: port, "/echo", method: .POST, body: ByteBuffer(string: "once"))
        try await eventually("the POST to reach the leaving release") { leaving.requests == 2 }
        try await bed.admin.put(after)
        leaving.closeConnections()
        #expect(try await post.status == 502)
        await bed.shutdown()
    }
}
