import StewardProxy
import StewardTesting
import Testing

/// HTTP/1.1 through a real `steward proxy` process, on raw sockets both sides: malformed requests,
/// chunked bodies, interim answers, bodiless answers and bodies that end with the upstream's close.
@Suite struct ProxyHTTPTests {
    private func route(_ bed: ProxyTestbed, to upstream: String) async throws -> Int {
        let port = try FreePort.next()
        try await bed.admin.put(
            ProxyTestbed.table(port: port, [ReleaseTarget(release: 1, name: "stable", weight: 100, upstreams: [upstream])]))
        return port
    }

    private static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    /// Requests whose framing could be read two ways get 400 with the reason, the connection closes,
    /// and nothing reaches the upstream.
    @Test func malformedRequestsAre400AndClose() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await ScriptedUpstream.start { _ in (Self.ok, false) }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let cases = [
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", "Content-Length and Transfer-Encoding"),
            ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", "differing Content-Length"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding"),
            ("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", "folding"),
            ("GET / HTTP/1.1\nHost: h\n\n", "LF alone"),
        ]
        for (request, reason) in cases {
            let connection = try RawConnection(port: port)
            try await connection.sendRaw(request)
            let answer = try await connection.readAnswer()
            #expect(answer.status == 400, "\(request.debugDescription)")
            #expect(answer.body.contains(reason), "\(answer.body)")
            #expect(try await connection.closedByPeer())
        }
        #expect(upstream.received.isEmpty)
        await bed.shutdown()
    }

    /// A chunked request body goes up framed as it came, and the connection serves the next request.
    @Test func chunkedRequestBodyPassesThrough() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await ScriptedUpstream.start { received in
            received.hasPrefix("GET") || received.hasSuffix("0\r\n\r\n") ? (Self.ok, false) : nil
        }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let connection = try RawConnection(port: port)
        let body = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n"
        try await connection.sendRaw("POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        #expect(try await connection.readAnswer() == (200, "ok"))
        #expect(try await connection.get("/next") == (200, "ok"))
        #expect(upstream.received.contains("\r\nTransfer-Encoding: chunked\r\n"))
        #expect(upstream.received.contains("\r\n\r\n" + body + "GET /next HTTP/1.1\r\n"))
        await bed.shutdown()
    }

    /// `Expect: 100-continue`: the upstream's 100 reaches the client, which then sends the body.
    @Test func interimAnswersArePassedOn() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await ScriptedUpstream.start { received in
            if received.hasPrefix("POST") { return ("HTTP/1.1 100 Continue\r\n\r\n", false) }
            return ("HTTP/1.1 200 OK\r\nContent-Length: \(received.utf8.count)\r\n\r\n\(received)", false)
        }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let connection = try RawConnection(port: port)
        try await connection.sendRaw("POST /up HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        #expect(try await connection.readRaw(until: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
        try await connection.sendRaw("hello")
        #expect(try await connection.readAnswer() == (200, "hello"))
        await bed.shutdown()
    }

    /// A HEAD answer and a 204 carry no body, whatever their Content-Length says: the next answer on
    /// the connection is read right.
    @Test func bodilessAnswers() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await ScriptedUpstream.start { received in
            guard received.hasSuffix("\r\n\r\n") else { return nil }
            if received.hasPrefix("HEAD") { return ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false) }
            if received.hasPrefix("GET /none") { return ("HTTP/1.1 204 No Content\r\n\r\n", false) }
            return (Self.ok, false)
        }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let connection = try RawConnection(port: port)
        try await connection.sendRaw("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n")
        let head = try await connection.readRaw(until: "\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.contains("Content-Length: 5\r\n"))
        try await connection.sendRaw("GET /none HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try await connection.readRaw(until: "\r\n\r\n").hasPrefix("HTTP/1.1 204 No Content\r\n"))
        #expect(try await connection.get("/") == (200, "ok"))
        await bed.shutdown()
    }

    /// An answer whose body ends with the upstream's close reaches an HTTP/1.1 client chunked, and
    /// the client's connection stays open; an HTTP/1.0 client gets it as it is and a close.
    @Test func bodyUntilCloseIsChunkedForTheClient() async throws {
        let bed = try await ProxyTestbed.start()
        let upstream = try await ScriptedUpstream.start { received in
            received.hasSuffix("\r\n\r\n") ? ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed", true) : nil
        }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let connection = try RawConnection(port: port)
        try await connection.sendRaw("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        let head = try await connection.readRaw(until: "\r\n\r\n")
        #expect(head.contains("\r\nTransfer-Encoding: chunked\r\n") && !head.contains("Connection: close"))
        #expect(try await connection.readRaw(until: "0\r\n\r\n") == "8\r\nstreamed\r\n0\r\n\r\n")
        try await connection.sendRaw("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try await connection.readRaw(until: "0\r\n\r\n").hasSuffix("8\r\nstreamed\r\n0\r\n\r\n"))

        let old = try RawConnection(port: port)
        try await old.sendRaw("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let oldHead = try await old.readRaw(until: "\r\n\r\n")
        #expect(oldHead.contains("\r\nConnection: close\r\n") && !oldHead.contains("chunked"))
        #expect(try await old.readRaw(until: "streamed") == "streamed")
        #expect(try await old.closedByPeer())
        await bed.shutdown()
    }

    /// A head and a large first body part that arrive together go out head first, answer after answer.
    @Test func headWithALargeFirstBodyPart() async throws {
        let bed = try await ProxyTestbed.start()
        let body = String(repeating: "x", count: 40_000)
        let upstream = try await ScriptedUpstream.start { received in
            received.hasSuffix("\r\n\r\n") ? ("HTTP/1.1 200 OK\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)", false) : nil
        }
        defer { upstream.stop() }
        let port = try await route(bed, to: upstream.address)
        let connection = try RawConnection(port: port)
        for _ in 0..<3 {
            #expect(try await connection.get("/") == (200, body))
        }
        await bed.shutdown()
    }
}
