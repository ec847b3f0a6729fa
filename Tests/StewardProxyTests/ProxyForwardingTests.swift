import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StewardProxy
import StewardTesting
import Synchronization
import Testing

/// Requests through a real `steward proxy` process to upstreams on real sockets.
@Suite struct ProxyForwardingTests {
    /// 5 MB go down (a streamed answer) and up (a streamed request echoed back) byte for byte.
    @Test func streamsFiveMegabytesBothWays() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream.address])]))

        let size = 5 * 1024 * 1024
        let down = try await bed.request(port: port, "/bytes/\(size)")
        #expect(down.status == 200)
        #expect(down.body.readableBytes == size)
        #expect(down.body.getInteger(at: size - 1, as: UInt8.self) == UInt8(truncatingIfNeeded: (size - 1) / 65536))

        var generator = SystemRandomNumberGenerator()
        let payload = ByteBuffer(bytes: (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let up = try await bed.request(port: port, "/echo", method: .POST, body: payload)
        #expect(up.status == 200)
        #expect(up.body == payload)
        await bed.shutdown()
    }

    /// A client that stops reading stops the upstream too: the proxy holds a bounded amount, not the body.
    @Test func slowClientHoldsBackTheUpstream() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream.address])]))

        let size = 512 * 1024 * 1024
        let connection = try RawConnection(port: port)
        try await connection.send("/bytes/\(size)")
        let head = try await connection.readHead()
        #expect(head.status == 200)
        #expect(head.contentLength == size)
        // Stalled: a write waits for the connection, and nothing more was written since the last look.
        var lastSeen = -1
        try await eventually(timeout: .seconds(60), "the upstream to be held back") {
            let written = upstream.progress.written.load(ordering: .relaxed)
            defer { lastSeen = written }
            return upstream.progress.writing.load(ordering: .relaxed) > 0 && written == lastSeen
        }
        #expect(upstream.progress.written.load(ordering: .relaxed) < 64 * 1024 * 1024)
        #expect(try bed.proxy.residentBytes() < 256 * 1024 * 1024)

        try await connection.discard(size)
        #expect(upstream.progress.written.load(ordering: .relaxed) == size)
        await bed.shutdown()
    }

    /// The upstream sees X-Forwarded-For/-Proto and X-Request-Id (kept or made), no hop-by-hop headers;
    /// the client sees which release answered.
    @Test func rewritesHeaders() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 7, name: "stable", weight: 100, upstreams: [upstream.address])]))

        let kept = try await bed.request(
            port: port, "/headers", headers: [("X-Request-Id", "req-42"), ("Keep-Alive", "timeout=5"), ("Proxy-Connection", "keep-alive")])
        #expect(kept.status == 200)
        #expect(kept.headers.first(name: "X-Steward-Release") == "7")
        let seen = String(buffer: kept.body).split(separator: "\n").map(String.init)
        #expect(seen.contains("x-request-id: req-42"))
        #expect(seen.contains("x-forwarded-for: 127.0.0.1"))
        #expect(seen.contains("x-forwarded-proto: http"))
        #expect(!seen.contains { $0.hasPrefix("keep-alive:") || $0.hasPrefix("proxy-connection:") || $0.hasPrefix("connection:") })

        let made = String(buffer: try await bed.request(port: port, "/headers").body)
        #expect(made.split(separator: "\n").contains { $0.hasPrefix("x-request-id: ") && $0.count == "x-request-id: ".count + 36 })
        await bed.shutdown()
    }

    /// One client connection carries many requests, and the proxy reuses its upstream connection.
    @Test func keepsConnectionsAlive() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream.address])]))

        let before = upstream.connections  // its readiness check connected once
        let connection = try RawConnection(port: port)
        for _ in 0..<50 {
            let answer = try await connection.get("/name")
            #expect(answer.status == 200)
            #expect(answer.body == "a")
        }
        // Sequential requests on one client connection need one upstream connection.
        #expect(upstream.connections - before == 1)
        await bed.shutdown()
    }

    /// No upstream, or weights summing to 0: 503 with a JSON error; a refused connection: 502.
    @Test func answersWhenNothingCanServe() async throws {
        let bed = try await ProxyTestbed.start()
        let port = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [])]))
        let empty = try await bed.request(port: port, "/")
        #expect(empty.status == 503)
        #expect(String(buffer: empty.body).contains(#""message":"no release of api\/production has a ready upstream""#))

        let nobody = try FreePort.next()
        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 0, upstreams: ["127.0.0.1:\(nobody)"])]))
        let zero = try await bed.request(port: port, "/")
        #expect(zero.status == 503)
        #expect(String(buffer: zero.body).contains("sum to 0"))

        try await bed.admin.put(ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: ["127.0.0.1:\(nobody)"])]))
        let refused = try await bed.request(port: port, "/")
        #expect(refused.status == 502)
        #expect(String(buffer: refused.body).contains(#""status":502"#))
        await bed.shutdown()
    }
}
