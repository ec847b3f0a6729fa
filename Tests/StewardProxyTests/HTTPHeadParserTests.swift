import NIOCore
import Testing

@testable import StewardProxy

/// Request and response heads parsed from bytes: what is read, what is refused. No socket.
@Suite struct HTTPHeadParserTests {
    private func parse(_ text: String) throws -> RequestHead? {
        var buffer = ByteBuffer(string: text)
        return try HTTPHeadParser.parseRequest(&buffer)
    }

    private func refusal(_ text: String) -> HTTPHeadError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error as? HTTPHeadError
        }
    }

    /// The parts the proxy reads; the buffer moves past the head, leaving the body and what follows.
    @Test func readsWhatTheProxyNeeds() throws {
        var buffer = ByteBuffer(
            string: "\r\nPOST /p?q HTTP/1.1\r\nHost: h\r\nX-Steward-Release:  canary \r\nCookie: a=1\r\ncookie: b=2\r\n"
                + "Content-Length: 5\r\n\r\nhelloGET")
        let head = try #require(try HTTPHeadParser.parseRequest(&buffer))
        #expect(head.method == .other && head.line.minorVersion == 1 && head.isKeepAlive)
        #expect(head.framing == .length(5))
        #expect(head.value(of: .stewardRelease) == "canary")
        #expect(head.values(of: .cookie, separator: "; ") == "a=1; b=2")
        #expect(head.value(of: .host) == "h" && !head.contains(.requestID))
        #expect(String(buffer: buffer) == "helloGET")
        #expect(String(buffer: head.bytes).hasPrefix("POST /p?q HTTP/1.1\r\n"))
    }

    /// HTTP/1.0 closes unless keep-alive; HTTP/1.1 keeps unless close; methods tell HEAD and idempotence.
    @Test func keepAliveAndMethods() throws {
        #expect(try parse("GET / HTTP/1.0\r\n\r\n")?.isKeepAlive == false)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.isKeepAlive == true)
        #expect(try parse("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n")?.isKeepAlive == false)
        #expect(try parse("HEAD / HTTP/1.1\r\n\r\n")?.method == .head)
        #expect(try parse("DELETE / HTTP/1.1\r\n\r\n")?.method.isIdempotent == true)
        #expect(try parse("POST / HTTP/1.1\r\n\r\n")?.method.isIdempotent == false)
        #expect(try parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n")?.framing == BodyFraming.none)
        #expect(try parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")?.framing == .chunked)
    }

    /// A head not complete yet is nil and leaves the buffer as it was.
    @Test func incompleteHeadsWait() throws {
        for text in ["", "GET", "GET / HTTP/1.1\r", "GET / HTTP/1.1\r\nHost: h\r\n", "GET / HTTP/1.1\r\nHost: h\r\n\r"] {
            var buffer = ByteBuffer(string: text)
            #expect(try HTTPHeadParser.parseRequest(&buffer) == nil, "\(text)")
        }
    }

    /// Framing that two readers could read two ways is refused.
    @Test func refusesAmbiguousFraming() {
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") == .lengthAndChunked)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n") == .differingContentLengths)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n") == .differingContentLengths)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == .badContentLength)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n") == .badContentLength)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\n") == .badContentLength)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n") == .badContentLength)
        #expect(refusal("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == .badContentLength)
        #expect(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n") == .badTransferEncoding)
        #expect(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n") == .badTransferEncoding)
        #expect(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n") == .badTransferEncoding)
    }

    /// Lines and values that lenient parsers read differently are refused.
    @Test func refusesMalformedLines() {
        #expect(refusal("GET / HTTP/1.1\r\nA: b\r\n  folded\r\n\r\n") == .obsoleteFolding)
        #expect(refusal("GET / HTTP/1.1\nHost: h\r\n\r\n") == .bareLineFeed)
        #expect(refusal("GET / HTTP/1.1\r\nHost: h\n\r\n") == .bareLineFeed)
        #expect(refusal("GET / HTTP/1.1\r\nHost: h\r\n\n") == .bareLineFeed)
        #expect(refusal("GET / HTTP/1.1\r\nA: b\u{0}c\r\n\r\n") == .badHeaderValue)
        #expect(refusal("GET / HTTP/1.1\r\nA: b\rc\r\n\r\n") == .badHeaderValue)
        #expect(refusal("GET / HTTP/1.1\r\nHost : h\r\n\r\n") == .badHeaderName)
        #expect(refusal("GET / HTTP/1.1\r\n: h\r\n\r\n") == .badHeaderName)
        #expect(refusal("GET / HTTP/1.1\r\nNoColon\r\n\r\n") == .missingColon)
        #expect(refusal("GET  / HTTP/1.1\r\n\r\n") == .badRequestLine)
        #expect(refusal("GET / HTTP/2.0\r\n\r\n") == .badRequestLine)
        #expect(refusal("GET /\r\n\r\n") == .badRequestLine)
        #expect(refusal("G\u{1}T / HTTP/1.1\r\n\r\n") == .badRequestLine)
        #expect(refusal("GET /a\u{7F} HTTP/1.1\r\n\r\n") == .badRequestLine)
    }

    /// A head over 80 KiB is refused, complete or not; one just under passes.
    @Test func refusesOverLongHeads() throws {
        let filler = String(repeating: "a", count: 80 * 1024)
        #expect(refusal("GET / HTTP/1.1\r\nX: \(filler)") == .tooLong)
        #expect(refusal("GET / HTTP/1.1\r\nX: \(filler)\r\n\r\n") == .tooLong)
        let many = String(repeating: "X: \(String(repeating: "a", count: 1000))\r\n", count: 90)
        #expect(refusal("GET / HTTP/1.1\r\n\(many)\r\n") == .tooLong)
        #expect(try parse("GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 80 * 1024 - 40))\r\n\r\n") != nil)
    }

    private func response(_ text: String, head: Bool = false) throws -> ResponseHead? {
        var buffer = ByteBuffer(string: text)
        return try HTTPHeadParser.parseResponse(&buffer, requestMethodIsHEAD: head)
    }

    /// A response's framing: none for HEAD, 1xx, 204 and 304; chunked; a length; else until the close.
    @Test func responseFraming() throws {
        #expect(try response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")?.framing == .length(5))
        #expect(try response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", head: true)?.framing == BodyFraming.none)
        #expect(try response("HTTP/1.1 204 No Content\r\n\r\n")?.framing == BodyFraming.none)
        #expect(try response("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n")?.framing == BodyFraming.none)
        #expect(try response("HTTP/1.1 100 Continue\r\n\r\n")?.isInterim == true)
        #expect(try response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")?.framing == .chunked)
        #expect(try response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")?.framing == .untilClose)
        let untilClose = try #require(try response("HTTP/1.1 200 OK\r\n\r\n"))
        #expect(untilClose.framing == .untilClose && !untilClose.isKeepAlive)
        #expect(try response("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n")?.isKeepAlive == false)
        #expect(try response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n")?.isKeepAlive == false)
        #expect(try response("HTTP/1.1 200\r\nContent-Length: 1\r\n\r\n")?.status == 200)
        #expect(throws: HTTPHeadError.lengthAndChunked) {
            try response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        }
        #expect(throws: HTTPHeadError.badStatusLine) { try response("HTTP/1.1 2000 OK\r\n\r\n") }
        #expect(throws: HTTPHeadError.badStatusLine) { try response("ICY 200 OK\r\n\r\n") }
    }
}

/// The token characters of RFC 9110 §5.6.2, byte by byte.
@Suite struct HTTPBytesTests {
    @Test func tokenCharacters() {
        let expected = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8)
        for byte in 0...255 {
            #expect(HTTPBytes.isToken(UInt8(byte)) == expected.contains(UInt8(byte)), "byte \(byte)")
        }
    }
}
