/// The random numbers one client connection needs per request: the weighted draw and new
/// `X-Request-Id`s, without a system call each.
///
/// SplitMix64, seeded once per connection from the system generator. The system generator costs
/// a `getrandom` call per use, and Foundation's `UUID()` opens, reads and closes `/dev/urandom`
/// per identifier: three system calls on every proxied request. Neither value needs to be
/// unpredictable; they need to be uniform (the draw) and unique (the identifiers), which 64 bits
/// of seed per connection give.
///
/// Not thread-safe: owned by one ``ProxyServerHandler``, used on its event loop only.
struct ConnectionRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator seeded from the system's.
    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    /// A generator with a fixed seed (tests).
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A new request identifier: a random (version 4) UUID in lowercase, e.g.
    /// `1b4e28ba-2fa1-4d2a-883f-0016d3cca427`.
    mutating func requestID() -> String {
        String(unsafeUninitializedCapacity: Self.requestIDLength) { writeRequestID(into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// The length of a request identifier.
    static let requestIDLength = 36

    /// Writes a new request identifier (``requestID()``) into the first 36 bytes of `text`.
    ///
    /// - Returns: 36.
    @discardableResult
    mutating func writeRequestID(into text: UnsafeMutableRawBufferPointer) -> Int {
        // 128 random bits with the version (4) and variant (10xx) bits set, as RFC 9562 §5.4 says.
        let high = (next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let digits: StaticString = "0123456789abcdef"
        var at = 0
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                text[at] = UInt8(ascii: "-")
                at += 1
            }
            let word = nibble < 16 ? high : low
            let value = Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)
            text[at] = digits.utf8Start[value]
            at += 1
        }
        return at
    }
}
