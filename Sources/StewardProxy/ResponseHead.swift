import NIOCore

/// A response head as an upstream sent it, with its framing (``HTTPHeadParser/parseResponse(_:requestMethodIsHEAD:)``).
struct ResponseHead {
    /// Where the parts of the status line are.
    struct Line {
        var status: Int
        var minorVersion: Int
        /// The status line (`HTTP/1.x code reason`) ends here, before its CR LF.
        var statusEnd: Int
    }

    /// The head's bytes, from the status line to the empty line.
    let bytes: ByteBuffer
    let line: Line
    let facts: HeadFacts
    /// How the body is delimited (RFC 9112 §6.3).
    let framing: BodyFraming

    init(bytes: ByteBuffer, line: Line, facts: HeadFacts, requestMethodIsHEAD: Bool) {
        self.bytes = bytes
        self.line = line
        self.facts = facts
        if requestMethodIsHEAD || line.status < 200 || line.status == 204 || line.status == 304 {
            framing = .none
        } else if facts.transferEncoding {
            framing = facts.chunked ? .chunked : .untilClose
        } else if let length = facts.contentLength {
            framing = length > 0 ? .length(length) : .none
        } else {
            framing = .untilClose
        }
    }

    var status: Int { line.status }

    /// An interim answer (100 Continue, 103 Early Hints): the final one follows on the same connection.
    var isInterim: Bool { line.status < 200 && line.status != 101 }

    /// Whether the upstream keeps the connection after this answer: HTTP/1.1 unless `Connection: close`,
    /// HTTP/1.0 only with `Connection: keep-alive`, and never when the body runs until the close.
    var isKeepAlive: Bool {
        guard framing != .untilClose else { return false }
        return line.minorVersion >= 1 ? !facts.close : facts.keepAlive && !facts.close
    }
}
