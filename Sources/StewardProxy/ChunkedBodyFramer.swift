/// Follows a chunked body (RFC 9112 §7.1) byte by byte as it passes, to find where it ends, without
/// keeping any of it: the bytes are forwarded as they came, framing included.
///
/// Strict: chunk sizes are hex digits (at most 15), lines end with CR LF, a chunk's data is followed
/// by CR LF. Chunk extensions and trailer lines are passed on unread, within
/// ``HTTPHeadParser/maximumHeadBytes`` each.
struct ChunkedBodyFramer {
    private enum State {
        case size(digits: Int, value: Int)
        /// After the size: an extension (`;name=value`) up to the CR.
        case extensions(value: Int)
        case sizeLF(value: Int)
        case data(left: Int)
        case dataCR
        case dataLF
        /// At the start of a trailer line, or of the empty line that ends the body.
        case trailerStart
        case trailer
        case trailerLF
        case finalLF
        case done
    }

    private var state = State.size(digits: 0, value: 0)
    /// Bytes of the current extension or trailer line, against the limit.
    private var lineBytes = 0

    /// Whether the body's last byte went by.
    var isDone: Bool {
        if case .done = state { return true }
        return false
    }

    /// Follows `bytes`, the next bytes of the body, up to its end.
    ///
    /// - Returns: how many bytes of `bytes` belong to the body (fewer than all only when it ended).
    /// - Throws: ``HTTPHeadError/badChunk`` when the framing is broken, ``HTTPHeadError/tooLong``
    ///   for an over-long extension or trailer line.
    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch state {
            case .size(let digits, let value):
                if let nibble = Self.hexValue(byte) {
                    guard digits < 15 else { throw HTTPHeadError.badChunk }
                    state = .size(digits: digits + 1, value: value << 4 | nibble)
                } else {
                    guard digits > 0 else { throw HTTPHeadError.badChunk }
                    switch byte {
                    case HTTPBytes.cr: state = .sizeLF(value: value)
                    case UInt8(ascii: ";"), HTTPBytes.space, HTTPBytes.tab:
                        lineBytes = 0
                        state = .extensions(value: value)
                    default: throw HTTPHeadError.badChunk
                    }
                }
            case .extensions(let value):
                if byte == HTTPBytes.cr {
                    state = .sizeLF(value: value)
                } else {
                    guard HTTPBytes.isValueByte(byte) else { throw HTTPHeadError.badChunk }
                    lineBytes += 1
                    if lineBytes > HTTPHeadParser.maximumHeadBytes { throw HTTPHeadError.tooLong }
                }
            case .sizeLF(let value):
                guard byte == HTTPBytes.lf else { throw HTTPHeadError.badChunk }
                state = value == 0 ? .trailerStart : .data(left: value)
            case .data(let left):
                // The data itself is skipped over in one step.
                let taken = min(left, count - index)
                index += taken
                state = taken == left ? .dataCR : .data(left: left - taken)
                continue
            case .dataCR:
                guard byte == HTTPBytes.cr else { throw HTTPHeadError.badChunk }
                state = .dataLF
            case .dataLF:
                guard byte == HTTPBytes.lf else { throw HTTPHeadError.badChunk }
                state = .size(digits: 0, value: 0)
            case .trailerStart:
                if byte == HTTPBytes.cr {
                    state = .finalLF
                } else {
                    guard byte != HTTPBytes.space && byte != HTTPBytes.tab && HTTPBytes.isValueByte(byte) else {
                        throw HTTPHeadError.badChunk
                    }
                    lineBytes = 1
                    state = .trailer
                }
            case .trailer:
                if byte == HTTPBytes.cr {
                    state = .trailerLF
                } else {
                    guard HTTPBytes.isValueByte(byte) else { throw HTTPHeadError.badChunk }
                    lineBytes += 1
                    if lineBytes > HTTPHeadParser.maximumHeadBytes { throw HTTPHeadError.tooLong }
                }
            case .trailerLF:
                guard byte == HTTPBytes.lf else { throw HTTPHeadError.badChunk }
                state = .trailerStart
            case .finalLF:
                guard byte == HTTPBytes.lf else { throw HTTPHeadError.badChunk }
                state = .done
                return index + 1
            case .done:
                return index
            }
            index += 1
        }
        return index
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
