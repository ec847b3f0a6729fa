import Crypto
import Foundation
import StewardCore

/// The hash-chain rule of the event log, kept apart so it can be checked without a database.
///
/// Each event's hash is the lowercase hex SHA-256 of its predecessor's hash and its own fields, one per line:
///
/// ```
/// previousHash \n seq \n timeMillis \n type \n subject \n actor \n base64(payload)
/// ```
///
/// The first event's predecessor is ``genesis``. Changing any field of any event, or removing or
/// inserting one, changes every hash after it, which is what ``AuditVerifier`` looks for.
public enum EventHash {
    /// The predecessor hash of the first event: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)

    /// Computes the hash of one event from its fields.
    ///
    /// - Parameters:
    ///   - previousHash: The hash of the event before, or ``genesis`` for the first one.
    ///   - seq: The event's sequence number.
    ///   - timeMillis: The event's time in whole milliseconds since 1970.
    ///   - type: The event's type.
    ///   - subject: The event's subject.
    ///   - actor: The event's actor.
    ///   - payload: The event's payload bytes, hashed as base64 text.
    /// - Returns: 64 lowercase hex digits.
    public static func hash(
        previousHash: String,
        seq: Int64,
        timeMillis: Int64,
        type: String,
        subject: String,
        actor: String,
        payload: Data
    ) -> String {
        let text = [
            previousHash, String(seq), String(timeMillis), type, subject, actor, payload.base64EncodedString(),
        ].joined(separator: "\n")
        return Hex.string(SHA256.hash(data: Data(text.utf8)))
    }

    /// Recomputes the hash a stored event should have, from its own fields and its own `previousHash`.
    ///
    /// - Parameters:
    ///   - record: The stored event.
    ///   - seq: The sequence number to hash it under; defaults to its own. The verifier passes another
    ///     one to recognise an event that was renumbered.
    /// - Returns: 64 lowercase hex digits; equal to `record.hash` when the event is unchanged.
    public static func hash(of record: EventRecord, seq: Int64? = nil) -> String {
        hash(
            previousHash: record.previousHash,
            seq: seq ?? record.seq,
            timeMillis: milliseconds(of: record.time),
            type: record.type,
            subject: record.subject,
            actor: record.actor,
            payload: record.payload
        )
    }

    /// The lowercase hex SHA-256 of a string's UTF-8 bytes, for values such as API tokens.
    ///
    /// - Parameter text: The text to hash.
    /// - Returns: 64 lowercase hex digits.
    public static func sha256Hex(_ text: String) -> String {
        Hex.string(SHA256.hash(data: Data(text.utf8)))
    }

    /// The whole milliseconds since 1970 that the log stores for a date, rounded to the nearest one.
    ///
    /// Rounding (not truncating) makes `milliseconds(of: date(milliseconds: m)) == m` for every stored
    /// value, so a hash recomputed from a fetched event matches the one computed when it was appended.
    ///
    /// - Parameter date: Any date.
    /// - Returns: Milliseconds since 1970.
    public static func milliseconds(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date for a stored number of milliseconds since 1970.
    ///
    /// - Parameter milliseconds: Milliseconds since 1970.
    /// - Returns: The date.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
