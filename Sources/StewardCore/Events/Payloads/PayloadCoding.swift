import Foundation

/// Helpers shared by the hand-written payload shapes.
extension KeyedEncodingContainer {
    /// Writes a date as ISO-8601 UTC with milliseconds (`2026-01-31T12:00:00.000Z`).
    mutating func encodeDate(_ date: Date, forKey key: Key) throws {
        try encode(StewardDate.format(date), forKey: key)
    }

    /// Writes a date when there is one; the key is absent otherwise.
    mutating func encodeDateIfPresent(_ date: Date?, forKey key: Key) throws {
        if let date { try encodeDate(date, forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// Reads a date written by ``KeyedEncodingContainer/encodeDate(_:forKey:)``.
    func decodeDate(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = StewardDate.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "expected an ISO-8601 date, found '\(text)'")
        }
        return date
    }

    /// Reads an optional date; nil when the key is absent or null.
    func decodeDateIfPresent(forKey key: Key) throws -> Date? {
        try contains(key) && !decodeNil(forKey: key) ? decodeDate(forKey: key) : nil
    }
}

/// Encoding and decoding of payloads with the log's one JSON configuration (sorted keys).
enum PayloadCoding {
    static func encode(_ payload: some Encodable) throws -> Data {
        try JSONEncoder.steward.encode(payload)
    }

    static func decode<Payload: Decodable>(_ type: Payload.Type, from data: Data) throws -> Payload {
        try JSONDecoder.steward.decode(type, from: data)
    }
}
