/// What the header lines of a head say about framing and the connection, gathered while they are
/// parsed (the same rules for requests and responses; RFC 9112 §6 and §9.6).
struct HeadFacts {
    var fields: [HeaderField] = []
    /// The body length when Content-Length was sent (all its values equal).
    var contentLength: Int?
    /// How many Content-Length values there were (several equal ones are sent on as one).
    var contentLengthCount = 0
    /// Transfer-Encoding was sent; ``chunked`` when its last coding is `chunked`, once.
    var transferEncoding = false
    var chunked = false
    var chunkedCount = 0
    var lastCodingIsChunked = false
    /// `Connection: close` / `Connection: keep-alive`.
    var close = false
    var keepAlive = false
    /// Lowercase header names the Connection header lists (besides close and keep-alive): these
    /// are hop-by-hop too. Empty in the usual case.
    var connectionOptions: [[UInt8]] = []

    init() {
        fields.reserveCapacity(16)  // one allocation for a usual head, not one per doubling
    }

    /// Takes in one header line's meaning.
    ///
    /// - Throws: ``HTTPHeadError`` for a Content-Length that is not a number or differs from an earlier one.
    mutating func add(_ field: HeaderField, in bytes: UnsafeRawBufferPointer) throws {
        fields.append(field)
        switch field.kind {
        case .contentLength:
            try HTTPBytes.forEachListElement(bytes, field.value) { element in
                let length = try Self.decimal(bytes, element)
                contentLengthCount += 1
                if let contentLength, contentLength != length { throw HTTPHeadError.differingContentLengths }
                contentLength = length
            }
            if contentLength == nil { throw HTTPHeadError.badContentLength }  // an empty value
        case .transferEncoding:
            transferEncoding = true
            HTTPBytes.forEachListElement(bytes, field.value) { element in
                let isChunked = HTTPBytes.equalsIgnoringCase(bytes, start: element.lowerBound, count: element.count, "chunked")
                if isChunked { chunkedCount += 1 }
                lastCodingIsChunked = isChunked
            }
            chunked = lastCodingIsChunked && chunkedCount == 1
        case .connection:
            HTTPBytes.forEachListElement(bytes, field.value) { element in
                if HTTPBytes.equalsIgnoringCase(bytes, start: element.lowerBound, count: element.count, "close") {
                    close = true
                } else if HTTPBytes.equalsIgnoringCase(bytes, start: element.lowerBound, count: element.count, "keep-alive") {
                    keepAlive = true
                } else {
                    connectionOptions.append(bytes[element].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
                }
            }
        default:
            break
        }
    }

    /// Whether `field` is forwarded: not hop-by-hop and not named by the Connection header.
    /// (Transfer-Encoding is decided by the caller, who knows how the body is framed.)
    func isEndToEnd(_ field: HeaderField, in bytes: UnsafeRawBufferPointer) -> Bool {
        if field.kind.isHopByHop { return false }
        guard !connectionOptions.isEmpty else { return true }
        let name = field.name
        return !connectionOptions.contains { option in
            option.count == name.count
                && zip(option, bytes[name]).allSatisfy { expected, byte in
                    (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == expected
                }
        }
    }

    /// A Content-Length value: decimal digits only, at most 18 of them (no sign, no overflow).
    private static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws -> Int {
        guard range.count <= 18 else { throw HTTPHeadError.badContentLength }
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { throw HTTPHeadError.badContentLength }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
