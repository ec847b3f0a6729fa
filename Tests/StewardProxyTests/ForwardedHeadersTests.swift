import Foundation
import NIOCore
import Testing

@testable import StewardProxy

/// The head rewriting and the per-connection randomness, as values over bytes: no socket.
@Suite struct ForwardedHeadersTests {
    private func request(_ text: String) throws -> RequestHead {
        var buffer = ByteBuffer(string: text)
        return try #require(try HTTPHeadParser.parseRequest(&buffer))
    }

    private func upstream(_ text: String, clientAddress: String? = "127.0.0.1", seed: UInt64 = 1) throws -> String {
        var random = ConnectionRandom(seed: seed)
        return String(
            buffer: ForwardedHeaders.upstreamRequest(
                try request(text), clientAddress: clientAddress, random: &random, allocator: ByteBufferAllocator()))
    }

    private func client(
        _ text: String, release: Int = 3, setCookie: String? = nil, close: Bool = false, chunk: Bool = false
    ) throws -> String {
        var buffer = ByteBuffer(string: text)
        let head = try #require(try HTTPHeadParser.parseResponse(&buffer, requestMethodIsHEAD: false))
        return String(
            buffer: ForwardedHeaders.clientResponse(
                head, release: release, setCookie: setCookie, close: close, chunk: chunk, allocator: ByteBufferAllocator()))
    }

    /// Hop-by-hop headers and the ones `Connection` names go, whatever their case and spacing;
    /// end-to-end lines stay byte for byte, in order; the request goes as HTTP/1.1.
    @Test func hopByHopHeadersGoWhateverTheirCase() throws {
        let sent = try upstream(
            "GET /a?b=c HTTP/1.0\r\nHost: example.com\r\nCONNECTION: keep-alive,  X-Secret ,\tUpgrade\r\n"
                + "Keep-Alive: timeout=5\r\nx-secret: 1\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "Accept:  */*\r\nX-Secretive: stays\r\nUpgrade: h2c\r\nTrailer: X\r\nProxy-Authorization: Basic x\r\n"
                + "X-Request-Id: r\r\n\r\n", clientAddress: nil)
        #expect(
            sent == "GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept:  */*\r\nX-Secretive: stays\r\nX-Request-Id: r\r\n"
                + "X-Forwarded-Proto: http\r\n\r\n")
    }

    /// A chunked request body stays chunked; repeated equal lengths become one.
    @Test func bodyFramingIsKept() throws {
        let chunked = try upstream("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\nX-Request-Id: r\r\n\r\n", clientAddress: nil)
        #expect(chunked.contains("\r\nTransfer-Encoding: gzip, Chunked\r\n"))
        let sized = try upstream("POST / HTTP/1.1\r\nContent-Length: 3\r\nX-Request-Id: r\r\n\r\n", clientAddress: nil)
        #expect(sized.contains("\r\nContent-Length: 3\r\n"))
        let twice = try upstream(
            "POST / HTTP/1.1\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\nX-Request-Id: r\r\n\r\n", clientAddress: nil)
        #expect(twice.components(separatedBy: "ength: ").count == 2 && twice.contains("\r\nContent-Length: 3\r\n"))
    }

    /// X-Forwarded-For keeps earlier hops and appends the client; X-Forwarded-Proto is added unless sent.
    @Test func forwardingHeaders() throws {
        let sent = try upstream(
            "GET / HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-Proto: https\r\nx-forwarded-for: 10.0.0.2\r\n\r\n",
            clientAddress: "127.0.0.9")
        #expect(sent.contains("\r\nX-Forwarded-Proto: https\r\n"))
        #expect(sent.contains("\r\nX-Forwarded-For: 10.0.0.1, 10.0.0.2, 127.0.0.9\r\n"))
        #expect(!sent.contains("x-forwarded-for") && !sent.contains("X-Forwarded-Proto: http\r\n"))
        let fresh = try upstream("GET / HTTP/1.1\r\nHost: h\r\n\r\n", clientAddress: "::1")
        #expect(fresh.hasPrefix("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: ::1\r\nX-Forwarded-Proto: http\r\nX-Request-Id: "))
    }

    /// The client's answer: HTTP/1.1 with the upstream's status and reason, end-to-end lines as sent,
    /// the upstream's X-Steward-Release replaced, then Set-Cookie, Connection: close and chunking when asked.
    @Test func responseHeadRewriting() throws {
        let plain = try client(
            "HTTP/1.0 404 Not Here\r\nContent-Length: 2\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                + "X-Steward-Release: 9\r\nETag: \"x\"\r\nKeep-Alive: timeout=5\r\n\r\n")
        #expect(plain == "HTTP/1.1 404 Not Here\r\nContent-Length: 2\r\nETag: \"x\"\r\nX-Steward-Release: 3\r\n\r\n")
        let sticky = try client(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", setCookie: "steward-release=3; Path=/", close: true)
        #expect(
            sticky == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Steward-Release: 3\r\n"
                + "Set-Cookie: steward-release=3; Path=/\r\nConnection: close\r\n\r\n")
        let untilClose = try client("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", chunk: true)
        #expect(untilClose == "HTTP/1.1 200 OK\r\nX-Steward-Release: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    /// A request without an id gets a new lowercase version-4 UUID, a different one each time;
    /// one that has an id keeps it.
    @Test func requestIDsAreUUIDsAndKept() throws {
        var random = ConnectionRandom(seed: 42)
        let head = try request("GET / HTTP/1.1\r\n\r\n")
        var seen: Set<String> = []
        for _ in 0..<10_000 {
            let made = String(
                buffer: ForwardedHeaders.upstreamRequest(
                    head, clientAddress: "127.0.0.1", random: &random, allocator: ByteBufferAllocator()))
            let line = made.split(separator: "\r\n").first { $0.hasPrefix("X-Request-Id: ") } ?? ""
            let id = String(line.dropFirst("X-Request-Id: ".count))
            let parts = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) }, "\(id)")
            #expect(parts[2].first == "4" && "89ab".contains(parts[3].first ?? "x"), "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
        #expect(random.requestID().count == 36)

        let kept = try upstream("GET / HTTP/1.1\r\nx-request-id: req-42\r\n\r\n", clientAddress: nil)
        #expect(kept.contains("\r\nx-request-id: req-42\r\n") && !kept.contains("X-Request-Id"))
    }

    /// The draw is uniform enough to split by weight: 10 % of 100,000 draws land below 0.1, give or take 1 %.
    @Test func drawsAreUniform() {
        var random = ConnectionRandom(seed: 7)
        let below = (0..<100_000).filter { _ in Double.random(in: 0..<1, using: &random) < 0.1 }.count
        #expect((9_000...11_000).contains(below), "\(below)")
    }
}
