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
        var out = allocator.buffer(capacity: head.bytes.readableBytes + 160)
        var previousForwardedFor: [Range<Int>] = []
        var forwardedProto = false
        var requestID = false
        let normalizeLength = head.facts.contentLengthCount > 1
        head.bytes.withUnsafeReadableBytes { bytes in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<head.line.targetEnd]))
            out.writeStaticString(" HTTP/1.1\r\n")
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
                out.writeStaticString("Content-Length: ")
                out.writeString(String(length))
                out.writeStaticString("\r\n")
            }
            if clientAddress != nil || !previousForwardedFor.isEmpty {
                out.writeStaticString("X-Forwarded-For: ")
                for (index, value) in previousForwardedFor.enumerated() {
                    if index > 0 { out.writeStaticString(", ") }
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[value]))
                }
                if let clientAddress {
                    if !previousForwardedFor.isEmpty { out.writeStaticString(", ") }
                    out.writeString(clientAddress)
                }
                out.writeStaticString("\r\n")
            }
        }
        if !forwardedProto { out.writeStaticString("X-Forwarded-Proto: http\r\n") }
        if !requestID {
            out.writeStaticString("X-Request-Id: ")
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: ConnectionRandom.requestIDLength) {
                random.writeRequestID(into: $0)
            }
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("\r\n")
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
        var out = allocator.buffer(capacity: head.bytes.readableBytes + 96 + (setCookie?.utf8.count ?? 0))
        head.bytes.withUnsafeReadableBytes { bytes in
            out.writeStaticString("HTTP/1.1")
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[8..<head.line.statusEnd]))
            out.writeStaticString("\r\n")
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
        }
        out.writeStaticString("X-Steward-Release: ")
        out.writeString(String(release))
        out.writeStaticString("\r\n")
        if let setCookie {
            out.writeStaticString("Set-Cookie: ")
            out.writeString(setCookie)
            out.writeStaticString("\r\n")
        }
        if close { out.writeStaticString("Connection: close\r\n") }
        if chunk { out.writeStaticString("Transfer-Encoding: chunked\r\n") }
        out.writeStaticString("\r\n")
        return out
    }

    /// Consecutive kept lines, copied in one go.
    private struct Run {
        var range: Range<Int>?

        mutating func add(_ line: Range<Int>, copyingFrom bytes: UnsafeRawBufferPointer, to out: inout ByteBuffer) {
            if let current = range, current.upperBound == line.lowerBound {
                range = current.lowerBound..<line.upperBound
            } else {
                flush(from: bytes, to: &out)
                range = line
            }
        }

        mutating func flush(from bytes: UnsafeRawBufferPointer, to out: inout ByteBuffer) {
            if let range { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[range])) }
            range = nil
        }
    }
}
