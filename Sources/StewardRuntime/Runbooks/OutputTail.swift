import StewardCore

/// The end of a stream of bytes of any length, kept in bounded memory, as a step result shows it.
///
/// Why not collect everything and let ``RunbookStepResult/bounded(_:)`` cut it: a command may print
/// gigabytes and a Redis reply may be huge; only the last ``RunbookStepResult/outputLimit`` bytes
/// are ever shown, so only those are kept. The text carries the same "[… N bytes cut]" mark as
/// `bounded`, with N counted over the whole stream.
struct OutputTail {
    /// Every byte appended so far, kept or not.
    private(set) var total = 0
    /// The kept end; between one and two limits long so that trimming stays amortised O(1).
    private var bytes: [UInt8] = []
    let limit: Int

    init(limit: Int = RunbookStepResult.outputLimit) {
        self.limit = limit
    }

    /// A tail read elsewhere (the end of a file): `tail` are the last bytes of `total`.
    init(tail: [UInt8], total: Int, limit: Int = RunbookStepResult.outputLimit) {
        self.limit = limit
        self.bytes = tail
        self.total = max(total, tail.count)
    }

    mutating func append(_ piece: some Collection<UInt8>) {
        total += piece.count
        if piece.count >= limit {
            bytes = Array(piece.suffix(limit))
            return
        }
        bytes.append(contentsOf: piece)
        if bytes.count > 2 * limit { bytes.removeFirst(bytes.count - limit) }
    }

    mutating func append(_ text: String) { append(text.utf8) }

    /// Whether nothing was appended.
    var isEmpty: Bool { total == 0 }

    /// The bytes as UTF-8 text: all of them, or the end under a mark saying how much was cut,
    /// short enough that ``RunbookStepResult`` keeps it as it is.
    var text: String {
        guard total > limit else { return String(decoding: bytes, as: UTF8.self) }
        // Room for the mark, so mark + kept bytes stay within the limit.
        var start = bytes.count - min(bytes.count, limit - 64)
        // Start on a character boundary: skip UTF-8 continuation bytes.
        while start < bytes.count, bytes[start] & 0b1100_0000 == 0b1000_0000 { start += 1 }
        let kept = bytes.count - start
        return "[… \(total - kept) bytes cut]\n" + String(decoding: bytes[start...], as: UTF8.self)
    }
}
