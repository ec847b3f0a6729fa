/// Byte-level helpers of the HTTP/1.1 grammar (RFC 9110 §5.6, RFC 9112), over raw buffers.
enum HTTPBytes {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let comma = UInt8(ascii: ",")

    /// Whether `byte` is a `tchar` of RFC 9110 §5.6.2: the characters of methods, header names and
    /// tokens (letters, digits and ``!#$%&'*+-.^_`|~``).
    ///
    /// Two 64-bit masks, not a table: this runs for every byte of every header name, and a global
    /// array would cost a lazy-initialisation check and a bounds check each time.
    @inline(__always)
    static func isToken(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0x03FF_6CFA_0000_0000 as UInt64) >> byte & 1 == 1 }
        if byte < 128 { return (0x57FF_FFFF_C7FF_FFFE as UInt64) >> (byte - 64) & 1 == 1 }
        return false
    }

    /// Whether `byte` may appear in a header value: visible ASCII, space, tab, or obs-text (0x80…).
    /// NUL, CR, LF, DEL and the other controls may not.
    static func isValueByte(_ byte: UInt8) -> Bool { byte >= 0x20 ? byte != 0x7F : byte == tab }

    /// Whether `bytes[start..<start+count]` equals `lowercase` ignoring ASCII case (`lowercase` is lowercase).
    static func equalsIgnoringCase(
        _ bytes: UnsafeRawBufferPointer, start: Int, count: Int, _ lowercase: StaticString
    ) -> Bool {
        guard count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        for offset in 0..<count where bytes[start + offset] | 0x20 != expected[offset] {
            // `| 0x20` folds letters; other bytes must match exactly ('-' | 0x20 is '-').
            return false
        }
        return true
    }

    /// Calls `body` with each comma-separated element of `bytes[range]`, its spaces and tabs trimmed;
    /// empty elements (`a,,b`) are skipped, as RFC 9110 §5.6.1 says. (No array: this runs for the
    /// framing headers of every head.)
    static func forEachListElement(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Range<Int>) throws -> Void
    ) rethrows {
        var start = range.lowerBound
        var index = range.lowerBound
        while index <= range.upperBound {
            if index == range.upperBound || bytes[index] == comma {
                var lower = start
                var upper = index
                while lower < upper, bytes[lower] == space || bytes[lower] == tab { lower += 1 }
                while upper > lower, bytes[upper - 1] == space || bytes[upper - 1] == tab { upper -= 1 }
                if lower < upper { try body(lower..<upper) }
                start = index + 1
            }
            index += 1
        }
    }

    /// `bytes[range]` as a String (header values the proxy reads: the override header, cookies).
    static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
