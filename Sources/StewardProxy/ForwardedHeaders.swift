import NIOCore

/// The head rewriting of a reverse proxy, byte for byte: hop-by-hop headers out, forwarding headers
/// in, every other header line copied as it came (no String per header, no re-serialising).
enum ForwardedHeaders {
    /// The request head sent upstream: the request line with HTTP/1.1, the end-to-end header lines,
    /// then `X-Forwarded-For` (earlier values kept, the client's address appended), `X-Forwarded-Proto`
    /// (unless sent) and `X-Request-Id` (kept if the client sent one, made from `random` otherwise).
    ///
    /// Always HTTP/1.1 keep-alive. A chunked body stays chunked (Transfer-Encoding is kept: the body
    /// is passed on with its framing); repeated equal Content-Length values become one.
    static func upstreamRequest(
        _ head: RequestHead, clientAddress: String?, random: inout ConnectionRandom, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        // An upper bound: the head's own lines at most (the dropped ones make room for the merged
        // X-Forwarded-For and a normalised Content-Length), plus the client's address and the
        // added lines (X-Forwarded-For 21, -Proto 25, X-Request-Id 52, a Content-Length 36).
        let capacity = head.bytes.readableBytes + (clientAddress?.utf8.count ?? 0) + 160
        var out = allocator.buffer(capacity: capacity)
        let normalizeLength = head.facts.contentLengthCount > 1
        head.bytes.withUnsafeReadableBytes { bytes in
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { target in
                var out = ByteAppender(target)
                var previousForwardedFor: [Range<Int>] = []
                var forwardedProto = false
                var requestID = false
                out.append(UnsafeRawBufferPointer(rebasing: bytes[0..<head.line.targetEnd]))
                out.append(" HTTP/1.1\r\n")
                var run = Run()
                for field in head.facts.fields {
                    let keep: Bool
                    switch field.kind {
                    case .forwardedFor:
                        if !field.value.isEmpty { previousForwardedFor.append(field.value) }
                        keep = false
                    case .forwardedProto:
                        forwardedProto = true
                        keep = true
                    case .requestID:
                        requestID = true
                        keep = true
                    case .transferEncoding: keep = true  // a request's is always chunked-last (checked by the parser)
                    case .contentLength: keep = !normalizeLength
                    default: keep = head.facts.isEndToEnd(field, in: bytes)
                    }
                    if keep { run.add(field.line, copyingFrom: bytes, to: &out) }
                }
                run.flush(from: bytes, to: &out)
                if normalizeLength, let length = head.facts.contentLength {
                    out.append("Content-Length: ")
                    out.append(string: String(length))
                    out.append("\r\n")
                }
                if clientAddress != nil || !previousForwardedFor.isEmpty {
                    out.append("X-Forwarded-For: ")
                    for (index, value) in previousForwardedFor.enumerated() {
                        if index > 0 { out.append(", ") }
                        out.append(UnsafeRawBufferPointer(rebasing: bytes[value]))
                    }
                    if let clientAddress {
                        if !previousForwardedFor.isEmpty { out.append(", ") }
                        out.append(string: clientAddress)
                    }
                    out.append("\r\n")
                }
                if !forwardedProto { out.append("X-Forwarded-Proto: http\r\n") }
                if !requestID {
                    out.append("X-Request-Id: ")
                    withUnsafeTemporaryAllocation(byteCount: ConnectionRandom.requestIDLength, alignment: 1) { text in
                        random.writeRequestID(into: text)
                        out.append(UnsafeRawBufferPointer(text))
                    }
                    out.append("\r\n")
                }
                out.append("\r\n")
                return out.count
            }
        }
        return out
    }

    /// The response head sent to the client: `HTTP/1.1` and the upstream's status, the end-to-end
    /// header lines (Transfer-Encoding kept for a chunked body, passed on framed), then
    /// `X-Steward-Release` (replacing any the upstream sent), `Set-Cookie` for a sticky route,
    /// `Connection: close` when the client connection closes after it, and `Transfer-Encoding: chunked`
    /// when a body delimited by the upstream's close is chunked for the client.
    static func clientResponse(
        _ head: ResponseHead, release: Int, setCookie: String?, close: Bool, chunk: Bool, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        // An upper bound: the head's own lines at most, plus the added ones (X-Steward-Release 41,
        // Set-Cookie 14 and the cookie, Connection 19, Transfer-Encoding 28).
        let capacity = head.bytes.readableBytes + (setCookie?.utf8.count ?? 0) + 128
        var out = allocator.buffer(capacity: capacity)
        head.bytes.withUnsafeReadableBytes { bytes in
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { target in
                var out = ByteAppender(target)
                out.append("HTTP/1.1")
                out.append(UnsafeRawBufferPointer(rebasing: bytes[8..<head.line.statusEnd]))
                out.append("\r\n")
                var run = Run()
                for field in head.facts.fields {
                    let keep: Bool =
                        switch field.kind {
                        case .stewardRelease: false
                        case .transferEncoding: head.framing == .chunked
                        default: head.facts.isEndToEnd(field, in: bytes)
                        }
                    if keep { run.add(field.line, copyingFrom: bytes, to: &out) }
                }
                run.flush(from: bytes, to: &out)
                out.append("X-Steward-Release: ")
                out.append(string: String(release))
                out.append("\r\n")
                if let setCookie {
                    out.append("Set-Cookie: ")
                    out.append(string: setCookie)
                    out.append("\r\n")
                }
                if close { out.append("Connection: close\r\n") }
                if chunk { out.append("Transfer-Encoding: chunked\r\n") }
                out.append("\r\n")
                return out.count
            }
        }
        return out
    }

    /// Consecutive kept lines, copied in one go.
    private struct Run {
        var range: Range<Int>?

        mutating func add(_ line: Range<Int>, copyingFrom bytes: UnsafeRawBufferPointer, to out: inout ByteAppender) {
            if let current = range, current.upperBound == line.lowerBound {
                range = current.lowerBound..<line.upperBound
            } else {
                flush(from: bytes, to: &out)
                range = line
            }
        }

        mutating func flush(from bytes: UnsafeRawBufferPointer, to out: inout ByteAppender) {
            if let range { out.append(UnsafeRawBufferPointer(rebasing: bytes[range])) }
            range = nil
        }
    }
}
