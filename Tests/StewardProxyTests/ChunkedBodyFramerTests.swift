import NIOCore
import Testing

@testable import StewardProxy

/// Bodies cut off the bytes as their framing says, fed whole and byte by byte. No socket.
@Suite struct ChunkedBodyFramerTests {
    /// Feeds `bytes` in pieces of `step`; returns the body bytes passed on, whether it ended, and what is left.
    private func frame(_ framing: BodyFraming, _ text: String, step: Int) throws -> (body: String, ended: Bool, rest: String) {
        var framer = BodyFramer(framing)
        var body = ""
        var rest = ""
        var ended = false
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            var buffer = ByteBuffer(bytes: bytes[offset..<min(offset + step, bytes.count)])
            offset += step
            if ended {
                rest += String(buffer: buffer)
                continue
            }
            let (part, done) = try framer.nextPart(from: &buffer)
            if let part { body += String(buffer: part) }
            ended = done
            rest += String(buffer: buffer)
        }
        return (body, ended, rest)
    }

    private let chunked = "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer-One: 1\r\n\r\n"

    /// A chunked body passes on framing and all, ends after its trailers, and leaves the next request.
    @Test func chunkedBodyEndsAfterItsTrailers() throws {
        for step in [1, 2, 7, 1000] {
            let framed = try frame(.chunked, chunked + "GET / HTTP/1.1\r\n", step: step)
            #expect(framed.body == chunked && framed.ended && framed.rest == "GET / HTTP/1.1\r\n", "step \(step)")
        }
        let incomplete = try frame(.chunked, "5\r\nhel", step: 3)
        #expect(incomplete.body == "5\r\nhel" && !incomplete.ended)
    }

    /// Broken chunked framing is refused.
    @Test func brokenChunksAreRefused() {
        for text in [
            "x\r\n", "\r\n", "5\nhello\r\n", "5\r\nhelloX\r\n", "5\r\nhello\r\n0\r\nbad\u{0}\r\n\r\n", "1234567890123456\r\n",
            "0\r\n\r\r",
        ] {
            #expect(throws: HTTPHeadError.self, "\(text.debugDescription)") { try frame(.chunked, text, step: 100) }
        }
    }

    /// A length is counted down across pieces; what follows is left.
    @Test func lengthIsCountedDown() throws {
        for step in [1, 3, 100] {
            let framed = try frame(.length(5), "helloNEXT", step: step)
            #expect(framed.body == "hello" && framed.ended && framed.rest == "NEXT", "step \(step)")
        }
        #expect(try frame(.length(5), "hel", step: 2).ended == false)
    }

    /// A body until the close takes everything and never ends by itself.
    @Test func untilCloseTakesEverything() throws {
        let framed = try frame(.untilClose, "all of it", step: 4)
        #expect(framed.body == "all of it" && !framed.ended)
    }
}
