import NIOCore

/// Cuts a message's body off the bytes received, part by part, as its framing says: a length
/// counted down, chunked framing followed (``ChunkedBodyFramer``), or everything until the close.
/// Never holds a body: each part is a slice of what was received, passed on at once.
struct BodyFramer {
    private enum Mode {
        case length(left: Int)
        case chunked(ChunkedBodyFramer)
        case untilClose
    }

    private var mode: Mode

    /// A framer for a body framed as `framing` (not ``BodyFraming/none``).
    init(_ framing: BodyFraming) {
        switch framing {
        case .length(let length): mode = .length(left: length)
        case .chunked: mode = .chunked(ChunkedBodyFramer())
        case .untilClose, .none: mode = .untilClose
        }
    }

    /// Takes the next part of the body off the front of `buffer`.
    ///
    /// - Returns: the part (nil when `buffer` holds none of the body) and whether the body ended with it.
    /// - Throws: ``HTTPHeadError`` when chunked framing is broken.
    mutating func nextPart(from buffer: inout ByteBuffer) throws -> (part: ByteBuffer?, ended: Bool) {
        switch mode {
        case .length(let left):
            let taken = min(left, buffer.readableBytes)
            mode = .length(left: left - taken)
            return (taken > 0 ? buffer.readSlice(length: taken) : nil, taken == left)
        case .chunked(var framer):
            let taken = try buffer.withUnsafeReadableBytes { try framer.consume($0) }
            mode = .chunked(framer)
            return (taken > 0 ? buffer.readSlice(length: taken) : nil, framer.isDone)
        case .untilClose:
            let taken = buffer.readableBytes
            return (taken > 0 ? buffer.readSlice(length: taken) : nil, false)
        }
    }
}
