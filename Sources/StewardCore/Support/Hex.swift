/// Lower-case hexadecimal text of bytes, two digits per byte: digests in manifests and events,
/// entity tags, tokens and random names all use it.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `[0x0a, 0xff]` → `"0aff"`.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Hex text of `count` random bytes from `generator` (the system's by default).
    public static func random<Generator: RandomNumberGenerator>(
        bytes count: Int, using generator: inout Generator
    ) -> String {
        string((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// Hex text of `count` bytes from the system's cryptographically secure generator.
    public static func random(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return random(bytes: count, using: &generator)
    }
}
