import Crypto
import Foundation

/// Hashing, minting and comparing of API tokens.
///
/// Stores keep only the hex SHA-256 of a token; a token is looked up by its hash, and a
/// single expected hash (the agent's) is compared in constant time.
public enum TokenHash {
    /// Hex SHA-256 of a token (lowercase).
    ///
    /// Every authenticated request computes it, so it is spelled out by hand: `String(format:)`
    /// per byte cost tens of microseconds a request.
    public static func of(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// A new random token: `stw_` and 64 hex digits (256 bits).
    public static func mint() -> String {
        var generator = SystemRandomNumberGenerator()
        return "stw_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Compares two strings in time that depends only on their lengths, not on where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
