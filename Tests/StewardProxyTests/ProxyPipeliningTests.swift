import StewardProxy
import StewardTesting
import Testing

/// Requests a client pipelines (sends before the answers to the earlier ones) through a real
/// `steward proxy` process: the proxy keeps them in order itself, without NIO's pipelining handler.
@Suite struct ProxyPipeliningTests {
    /// Four requests in one write, one of them with a streamed 200 KB answer and the last asking
    /// for the connection to close: four whole answers, in order, then the close.
    @Test func answersPipelinedRequestsInOrder() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(
            ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream.address])]))

        let connection = try RawConnection(port: port)
        let size = 200 * 1024
        try await connection.sendRaw(
            "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /bytes/\(size) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Steward-Release: nothing-so-named\r\n\r\n"
                + "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let first = try await connection.readAnswer()
        #expect(first.status == 200 && first.body == "a")
        let bytes = try await connection.readHead()
        #expect(bytes.status == 200 && bytes.contentLength == size)
        try await connection.discard(size)
        let third = try await connection.readAnswer()
        #expect(third.status == 200 && third.body == "a")
        let last = try await connection.readAnswer()
        #expect(last.status == 200 && last.body == "a")
        #expect(try await connection.closedByPeer())
        await bed.shutdown()
    }

    /// A pipelined request that the proxy answers itself (503: nothing can serve) keeps its place.
    @Test func answersOfTheProxyKeepTheOrder() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await TestUpstream.start(name: "a")
        defer { upstream.stop() }
        let port = try FreePort.next()
        try await bed.admin.put(
            ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream.address])]))
        let connection = try RawConnection(port: port)
        _ = try await connection.get("/name")  // the upstream connection is pooled from here on

        try await bed.admin.put(
            ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 0, upstreams: [upstream.address])]))
        try await connection.sendRaw(
            "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Steward-Release: stable\r\n\r\n"
                + "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /name HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Steward-Release: 1\r\n\r\n")
        let forced = try await connection.readAnswer()
        #expect(forced.status == 200 && forced.body == "a")
        let refused = try await connection.readAnswer()
        #expect(refused.status == 503 && refused.body.contains("sum to 0"))
        let again = try await connection.readAnswer()
        #expect(again.status == 200 && again.body == "a")
        await bed.shutdown()
    }
}
