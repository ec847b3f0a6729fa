import Crypto
import Foundation
import StewardCore

/// Hashing, minting and comparing of API tokens.
///
/// Stores keep only the hex SHA-256 of a token; a token is looked up by its hash, and a
/// single expected hash (the agent's) is compared in constant time.
public enum TokenHash {
    /// Hex SHA-256 of a token (lowercase).
    public static func of(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }

    /// A new random token: `stw_` and 64 hex digits (256 bits).
    public static func mint() -> String {
        "stw_" + Hex.random(bytes: 32)
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
