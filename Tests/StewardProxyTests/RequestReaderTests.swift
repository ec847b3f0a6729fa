import NIOCore
import Testing

@testable import StewardProxy

/// Requests cut from the bytes a client sends, however they were split. No socket.
@Suite struct RequestReaderTests {
    /// What the reader gives, as text: `head:<request line>`, `body:<bytes>`, `end`.
    private func parts(of text: String, step: Int, headsAllowed: Bool = true) throws -> [String] {
        var reader = RequestReader()
        var parts: [String] = []
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            reader.receive(ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)]))
            offset += step
            while let part = try reader.next(headAllowed: headsAllowed || parts.isEmpty) {
                switch part {
                case .head(let head):
                    parts.append("head:" + String(String(buffer: head.bytes).split(separator: "\r\n")[0]))
                case .body(let body):
                    // Body parts are joined: how many there are depends on the split.
                    if let last = parts.last, last.hasPrefix("body:") {
                        parts[parts.count - 1] += String(buffer: body)
                    } else {
                        parts.append("body:" + String(buffer: body))
                    }
                case .end: parts.append("end")
                }
            }
        }
        return parts
    }

    private let pipelined =
        "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
        + "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /d HTTP/1.1\r\n\r\n"

    /// Pipelined requests come out in order, each body whole and then its end, whatever the split.
    @Test func pipelinedRequestsInOrder() throws {
        for step in [1, 5, 17, 4096] {
            #expect(
                try parts(of: pipelined, step: step) == [
                    "head:GET /a HTTP/1.1", "end", "head:POST /b HTTP/1.1", "body:hello", "end",
                    "head:POST /c HTTP/1.1", "body:3\r\nabc\r\n0\r\n\r\n", "end", "head:GET /d HTTP/1.1", "end",
                ], "step \(step)")
        }
    }

    /// A head waits while heads are not allowed (an answer is in progress); it is kept, not lost.
    @Test func aHeadWaitsForItsTurn() throws {
        var reader = RequestReader()
        reader.receive(ByteBuffer(string: "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"))
        guard case .head = try reader.next(headAllowed: true) else { Issue.record("no head"); return }
        guard case .end = try reader.next(headAllowed: false) else { Issue.record("no end"); return }
        #expect(try reader.next(headAllowed: false) == nil)
        #expect(reader.hasBuffered && !reader.isInBody)
        guard case .head(let second) = try reader.next(headAllowed: true) else { Issue.record("no second head"); return }
        #expect(String(buffer: second.bytes).hasPrefix("GET /b "))
    }

    /// A malformed head or chunk is an error.
    @Test func malformedInputThrows() {
        var reader = RequestReader()
        reader.receive(ByteBuffer(string: "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
        #expect(throws: Never.self) { _ = try reader.next(headAllowed: true) }
        #expect(throws: HTTPHeadError.badChunk) { _ = try reader.next(headAllowed: true) }
    }
}
