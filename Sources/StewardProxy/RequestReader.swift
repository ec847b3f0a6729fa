import NIOCore

/// Cuts what a client sends into requests, in order: heads (``HTTPHeadParser``), body parts
/// (``BodyFramer``) and ends, across reads however the bytes were split.
///
/// Holds only what it could not cut yet: the start of a head, or pipelined requests whose turn
/// has not come (the caller says when a head may be read).
struct RequestReader {
    enum Part {
        case head(RequestHead)
        /// A slice of what was received, to pass on as it is.
        case body(ByteBuffer)
        /// The request (its body, if it has one) is complete.
        case end
    }

    private var buffered: ByteBuffer?
    private var body: BodyFramer?
    private var endPending = false

    /// In the middle of a request's body.
    var isInBody: Bool { body != nil || endPending }

    /// Bytes wait that were not read yet (with ``isInBody`` false: a head, maybe incomplete).
    var hasBuffered: Bool { buffered != nil }

    /// Adds bytes received.
    mutating func receive(_ bytes: ByteBuffer) {
        if var buffer = buffered.take() {
            buffer.writeImmutableBuffer(bytes)
            buffered = buffer
        } else {
            buffered = bytes
        }
    }

    /// The next part of the requests received, or nil when more bytes are needed (or a head
    /// waits and `headAllowed` is false: the answer before it is not done).
    ///
    /// A request without a body gives its head and then ``Part/end``.
    ///
    /// - Throws: ``HTTPHeadError`` for a malformed head or chunked framing; the reader is then unusable.
    mutating func next(headAllowed: Bool) throws -> Part? {
        if endPending {
            endPending = false
            return .end
        }
        guard var buffer = buffered.take() else { return nil }
        defer { buffered = buffer.readableBytes > 0 ? buffer : nil }
        if var framer = body {
            let (part, ended) = try framer.nextPart(from: &buffer)
            body = ended ? nil : framer
            guard let part else { return ended ? .end : nil }
            endPending = ended
            return .body(part)
        }
        guard headAllowed, let head = try HTTPHeadParser.parseRequest(&buffer) else { return nil }
        let framing = head.framing
        if framing == .none {
            endPending = true
        } else {
            body = BodyFramer(framing)
        }
        return .head(head)
    }

    /// Forgets everything received (the connection is closing).
    mutating func reset() {
        buffered = nil
        body = nil
        endPending = false
    }
}
