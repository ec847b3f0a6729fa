import NIOCore

/// Parses HTTP/1.x heads straight from the bytes received: just what the proxy acts on (framing,
/// the connection, the headers routing reads), with every header line kept as offsets so it can be
/// forwarded as it came.
///
/// Strict where leniency lets a request be read two ways (RFC 9112 §11.2, request smuggling):
/// lines end with CR LF, no obsolete line folding, no control characters in values, no space
/// before a header's colon, Content-Length and Transfer-Encoding never together in a request,
/// Content-Length a plain decimal number given once (or repeated with the same value), and a request's
/// Transfer-Encoding ending with `chunked`.
enum HTTPHeadParser {
    /// The longest head accepted, as NIO's HTTP decoder had it.
    static let maximumHeadBytes = 80 * 1024

    /// Parses the request head at the start of `buffer`'s readable bytes and moves past it.
    ///
    /// Empty lines before the request line are skipped (RFC 9112 §2.2).
    ///
    /// - Returns: the head, or nil when `buffer` does not hold all of it yet (`buffer` is then unchanged).
    /// - Throws: ``HTTPHeadError`` when the head is malformed or longer than ``maximumHeadBytes``.
    static func parseRequest(_ buffer: inout ByteBuffer) throws -> RequestHead? {
        while buffer.readableBytes >= 2, buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
            buffer.moveReaderIndex(forwardBy: 2)
        }
        let parsed: (Int, RequestHead.Line, HeadFacts)? = try buffer.withUnsafeReadableBytes { bytes in
            guard let lineEnd = try nextLine(bytes, from: 0) else { return nil }
            let line = try requestLine(bytes, end: lineEnd - 2)
            var facts = HeadFacts()
            guard let end = try headerLines(bytes, from: lineEnd, into: &facts) else { return nil }
            return (end, line, facts)
        }
        guard let (length, line, facts) = parsed else { return nil }
        if facts.transferEncoding {
            if facts.contentLength != nil { throw HTTPHeadError.lengthAndChunked }
            if !facts.chunked { throw HTTPHeadError.badTransferEncoding }
        }
        return RequestHead(bytes: buffer.readSlice(length: length)!, line: line, facts: facts)
    }

    /// Parses the response head at the start of `buffer`'s readable bytes and moves past it.
    ///
    /// - Parameter requestMethodIsHEAD: the request was HEAD, so the response has no body whatever its headers say.
    /// - Returns: the head, or nil when `buffer` does not hold all of it yet (`buffer` is then unchanged).
    /// - Throws: ``HTTPHeadError`` when the head is malformed or longer than ``maximumHeadBytes``.
    static func parseResponse(_ buffer: inout ByteBuffer, requestMethodIsHEAD: Bool) throws -> ResponseHead? {
        let parsed: (Int, ResponseHead.Line, HeadFacts)? = try buffer.withUnsafeReadableBytes { bytes in
            guard let lineEnd = try nextLine(bytes, from: 0) else { return nil }
            let line = try statusLine(bytes, end: lineEnd - 2)
            var facts = HeadFacts()
            guard let end = try headerLines(bytes, from: lineEnd, into: &facts) else { return nil }
            return (end, line, facts)
        }
        guard let (length, line, facts) = parsed else { return nil }
        if facts.transferEncoding && facts.contentLength != nil { throw HTTPHeadError.lengthAndChunked }
        return ResponseHead(
            bytes: buffer.readSlice(length: length)!, line: line, facts: facts, requestMethodIsHEAD: requestMethodIsHEAD)
    }

    /// The end (just past CR LF) of the line starting at `start`, or nil when its LF has not come yet.
    private static func nextLine(_ bytes: UnsafeRawBufferPointer, from start: Int) throws -> Int? {
        var index = start
        let count = bytes.count
        while index < count, bytes[index] != HTTPBytes.lf { index += 1 }
        guard index < count else {
            if count > maximumHeadBytes { throw HTTPHeadError.tooLong }
            return nil
        }
        guard index > start, bytes[index - 1] == HTTPBytes.cr else { throw HTTPHeadError.bareLineFeed }
        if index >= maximumHeadBytes { throw HTTPHeadError.tooLong }
        return index + 1
    }

    /// The header lines from `start` to the empty line, into `facts`.
    ///
    /// - Returns: the end of the head (past the empty line's CR LF), or nil when it has not come yet.
    private static func headerLines(
        _ bytes: UnsafeRawBufferPointer, from start: Int, into facts: inout HeadFacts
    ) throws -> Int? {
        var lineStart = start
        while true {
            guard let lineEnd = try nextLine(bytes, from: lineStart) else { return nil }
            let contentEnd = lineEnd - 2
            if contentEnd == lineStart { return lineEnd }  // the empty line
            let first = bytes[lineStart]
            if first == HTTPBytes.space || first == HTTPBytes.tab { throw HTTPHeadError.obsoleteFolding }
            var colon = lineStart
            while colon < contentEnd, HTTPBytes.isToken(bytes[colon]) { colon += 1 }
            guard colon < contentEnd else { throw HTTPHeadError.missingColon }
            guard colon > lineStart, bytes[colon] == HTTPBytes.colon else { throw HTTPHeadError.badHeaderName }
            var valueStart = colon + 1
            var valueEnd = contentEnd
            var index = valueStart
            while index < contentEnd {
                guard HTTPBytes.isValueByte(bytes[index]) else { throw HTTPHeadError.badHeaderValue }
                index += 1
            }
            while valueStart < valueEnd, isBlank(bytes[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
            let field = HeaderField(
                kind: HeaderKind.of(bytes, start: lineStart, count: colon - lineStart), start: Int32(lineStart),
                nameEnd: Int32(colon), valueStart: Int32(valueStart), valueEnd: Int32(valueEnd), end: Int32(lineEnd))
            try facts.add(field, in: bytes)
            lineStart = lineEnd
        }
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == HTTPBytes.space || byte == HTTPBytes.tab }

    /// `method SP target SP HTTP/1.x` (RFC 9112 §3), single spaces.
    private static func requestLine(_ bytes: UnsafeRawBufferPointer, end: Int) throws -> RequestHead.Line {
        var methodEnd = 0
        while methodEnd < end, HTTPBytes.isToken(bytes[methodEnd]) { methodEnd += 1 }
        guard methodEnd > 0, methodEnd < end, bytes[methodEnd] == HTTPBytes.space else { throw HTTPHeadError.badRequestLine }
        var targetEnd = methodEnd + 1
        while targetEnd < end, bytes[targetEnd] > HTTPBytes.space, bytes[targetEnd] != 0x7F { targetEnd += 1 }
        guard targetEnd > methodEnd + 1, targetEnd + 9 == end, bytes[targetEnd] == HTTPBytes.space,
            let minor = version(bytes, at: targetEnd + 1)
        else { throw HTTPHeadError.badRequestLine }
        return RequestHead.Line(
            method: RequestHead.Method(bytes, count: methodEnd), methodEnd: methodEnd, targetEnd: targetEnd, minorVersion: minor)
    }

    /// `HTTP/1.x SP 3DIGIT SP reason` (RFC 9112 §4); the reason may be empty, the space before it missing.
    private static func statusLine(_ bytes: UnsafeRawBufferPointer, end: Int) throws -> ResponseHead.Line {
        guard end >= 12, let minor = version(bytes, at: 0), bytes[8] == HTTPBytes.space else { throw HTTPHeadError.badStatusLine }
        var status = 0
        for index in 9..<12 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { throw HTTPHeadError.badStatusLine }
            status = status * 10 + Int(digit)
        }
        guard status >= 100, end == 12 || bytes[12] == HTTPBytes.space else { throw HTTPHeadError.badStatusLine }
        for index in 12..<end {
            guard HTTPBytes.isValueByte(bytes[index]) else { throw HTTPHeadError.badStatusLine }
        }
        return ResponseHead.Line(status: status, minorVersion: minor, statusEnd: end)
    }

    /// The minor version of `HTTP/1.0` or `HTTP/1.1` at `start`; nil for anything else.
    private static func version(_ bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        guard start + 8 <= bytes.count else { return nil }
        let prefix: StaticString = "HTTP/1."
        for offset in 0..<7 where bytes[start + offset] != prefix.utf8Start[offset] { return nil }
        switch bytes[start + 7] {
        case UInt8(ascii: "0"): return 0
        case UInt8(ascii: "1"): return 1
        default: return nil
        }
    }
}
