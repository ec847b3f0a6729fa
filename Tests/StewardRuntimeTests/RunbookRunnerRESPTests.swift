import NIOCore
import StewardCore
@testable import StewardRuntime
import Testing

/// The RESP2 reader and the output tail on their own: replies split at every possible byte.
@Suite struct RunbookRunnerRESPTests {
    /// Feeds `bytes` in pieces of `size` bytes; returns the reply and the bytes left over.
    static func read(_ bytes: String, piecesOf size: Int) throws -> (RedisReply?, Int) {
        var reader = RESPReader()
        var pending = ByteBuffer()
        let all = Array(bytes.utf8)
        var offset = 0
        while offset < all.count {
            pending.writeBytes(all[offset..<min(offset + size, all.count)])
            offset += size
            if let reply = try reader.read(&pending) {
                return (reply, pending.readableBytes + max(0, all.count - offset))
            }
        }
        return (nil, 0)
    }

    static let nested = "*3\r\n$5\r\nhello\r\n*2\r\n:42\r\n*1\r\n$-1\r\n+OK\r\n"

    /// A nested array renders the same whichever way it is split, and trailing bytes are left alone.
    @Test func splitReadsOfANestedArray() throws {
        for size in 1...Self.nested.utf8.count {
            let (reply, left) = try Self.read(Self.nested + "+NEXT\r\n", piecesOf: size)
            #expect(reply == .text("hello\n  42\n    (nil)\nOK"), "pieces of \(size)")
            #expect(left == 7, "pieces of \(size)")
        }
    }

    /// Errors: at the top level the reply is the error; inside an array it is one element.
    @Test func errors() throws {
        #expect(try Self.read("-ERR no such key\r\n", piecesOf: 3).0 == .error("ERR no such key"))
        #expect(try Self.read("*2\r\n-ERR bad\r\n:1\r\n", piecesOf: 5).0 == .text("(error) ERR bad\n1"))
    }

    /// Empty and nil values: an empty bulk, a nil bulk, an empty array, a nil array.
    @Test func emptyAndNil() throws {
        #expect(try Self.read("$0\r\n\r\n", piecesOf: 1).0 == .text(""))
        #expect(try Self.read("$-1\r\n", piecesOf: 1).0 == .text("(nil)"))
        #expect(try Self.read("*0\r\n", piecesOf: 1).0 == .text(""))
        #expect(try Self.read("*-1\r\n", piecesOf: 1).0 == .text("(nil)"))
        #expect(try Self.read("*2\r\n*0\r\n:7\r\n", piecesOf: 2).0 == .text("7"))
    }

    /// Bytes that are not RESP are refused.
    @Test func garbageIsRefused() {
        #expect(throws: RESPReader.ProtocolError.self) { try Self.read("HTTP/1.1 400 Bad Request\r\n", piecesOf: 64) }
        #expect(throws: RESPReader.ProtocolError.self) { try Self.read("$abc\r\n", piecesOf: 64) }
    }

    /// The tail keeps the end of a long stream, cut at a character boundary, under a mark that counts
    /// every byte dropped; RunbookStepResult keeps it as it is.
    @Test func outputTailKeepsTheEnd() {
        var tail = OutputTail()
        let piece = String(repeating: "é", count: 1000)  // 2 bytes each
        for _ in 0..<100 { tail.append(piece) }
        tail.append("END")
        let text = tail.text
        #expect(text.utf8.count <= RunbookStepResult.outputLimit)
        #expect(text.hasSuffix("ééEND"))
        let (cut, kept) = RunbookRunnerCommandTests.cutMark(text)
        #expect(cut + kept == 200_003)
        #expect(RunbookStepResult(succeeded: true, output: text).output == text)

        var short = OutputTail()
        short.append("just this")
        #expect(short.text == "just this")
    }
}
