import NIOCore

/// A Redis reply (RESP2), rendered to text as it is read.
enum RedisReply: Equatable {
    /// Anything but an error: integers as decimals, strings as they are, a nil bulk or array as
    /// "(nil)", arrays as one line per element (nested arrays indented by two spaces per level,
    /// an empty array as nothing). Bounded like step output: the end is kept.
    case text(String)
    /// An error reply at the top level: its message ("ERR unknown command 'NOPE'…").
    case error(String)
}

/// Reads one RESP2 reply from bytes that arrive in pieces, in memory bounded by the output limit.
///
/// Bulk strings and arrays of any size are followed to their end (a reply is complete only then),
/// but only the end of their text is kept (``OutputTail``). Feed it with ``read(_:)`` until it returns a reply.
struct RESPReader {
    /// Replies nested deeper than this are refused rather than followed.
    static let maximumDepth = 64
    /// A type line (`+OK`, `$5`, `:1`) longer than this is not RESP.
    static let maximumLineBytes = 1 << 20

    private var text = OutputTail()
    /// Elements still to read of each open array, outermost first.
    private var openArrays: [Int] = []
    /// Payload bytes still to read of the current bulk string, then its CRLF.
    private var bulkLeft = 0
    private var bulkTerminatorLeft = 0
    private var lines = 0

    /// A protocol error: the bytes are not RESP.
    struct ProtocolError: Error, CustomStringConvertible {
        var description: String
    }

    /// Consumes what it can of `buffer` (leaving the bytes after the reply) and returns the reply once complete.
    mutating func read(_ buffer: inout ByteBuffer) throws -> RedisReply? {
        while true {
            if bulkLeft > 0 || bulkTerminatorLeft > 0 {
                guard readBulk(&buffer) else { return nil }
                if finishElement() { return .text(text.text) }
                continue
            }
            guard let line = try readLine(&buffer) else { return nil }
            guard let kind = line.first else { throw ProtocolError(description: "an empty reply line") }
            let rest = String(decoding: line.dropFirst(), as: UTF8.self)
            switch kind {
            case UInt8(ascii: "+"), UInt8(ascii: ":"):
                startElement(rest)
            case UInt8(ascii: "-"):
                if openArrays.isEmpty { return .error(rest) }
                startElement("(error) " + rest)
            case UInt8(ascii: "$"):
                guard let length = Int(rest), length >= -1 else {
                    throw ProtocolError(description: "a bad bulk length '\(rest)'")
                }
                if length == -1 {
                    startElement("(nil)")
                } else {
                    startElement("")
                    bulkLeft = length
                    bulkTerminatorLeft = 2
                    continue
                }
            case UInt8(ascii: "*"):
                guard let count = Int(rest), count >= -1 else {
                    throw ProtocolError(description: "a bad array length '\(rest)'")
                }
                if count == -1 {
                    startElement("(nil)")
                } else if count > 0 {
                    guard openArrays.count < Self.maximumDepth else {
                        throw ProtocolError(description: "a reply nested deeper than \(Self.maximumDepth) arrays")
                    }
                    openArrays.append(count)
                    continue
                }
                // An empty array adds no line; it is a finished element all the same.
            default:
                throw ProtocolError(description: "an unexpected reply type '\(Character(Unicode.Scalar(kind)))'")
            }
            if finishElement() { return .text(text.text) }
        }
    }

    /// Starts the element's line (after a newline, indented by its depth) with `content`.
    private mutating func startElement(_ content: String) {
        if lines > 0 { text.append("\n") }
        lines += 1
        if openArrays.count > 1 { text.append(String(repeating: "  ", count: openArrays.count - 1)) }
        text.append(content)
    }

    /// Counts a finished element against the arrays it closes; true when the whole reply is complete.
    private mutating func finishElement() -> Bool {
        while let last = openArrays.indices.last {
            openArrays[last] -= 1
            guard openArrays[last] == 0 else { return false }
            openArrays.removeLast()
        }
        return true
    }

    /// Reads what is there of the current bulk string; true once it and its CRLF are read.
    private mutating func readBulk(_ buffer: inout ByteBuffer) -> Bool {
        if bulkLeft > 0 {
            let count = min(bulkLeft, buffer.readableBytes)
            if let bytes = buffer.readBytes(length: count) { text.append(bytes) }
            bulkLeft -= count
            guard bulkLeft == 0 else { return false }
        }
        let count = min(bulkTerminatorLeft, buffer.readableBytes)
        buffer.moveReaderIndex(forwardBy: count)
        bulkTerminatorLeft -= count
        return bulkTerminatorLeft == 0
    }

    /// The next line without its CRLF, or nil when it has not fully arrived (nothing is consumed then).
    private func readLine(_ buffer: inout ByteBuffer) throws -> [UInt8]? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
            if view.count > Self.maximumLineBytes { throw ProtocolError(description: "a reply line longer than 1 MB") }
            return nil
        }
        var line = Array(view[view.startIndex..<newline])
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        return line
    }
}
