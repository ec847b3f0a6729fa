import Foundation
import NIOCore
import PostgresNIO
import StewardCore

/// A PostgreSQL value as text, the way `psql` shows it, whatever its type.
///
/// Why by hand: PostgresNIO asks for every result column in binary format, and a runbook's
/// statements are arbitrary, so no Swift type can be chosen in advance. The binary forms of the
/// built-in types are read here (numbers, text, bool as `t`/`f`, dates and times, numeric with its
/// scale, uuid, bytea, inet, arrays); anything else shows as its text when it is printable (enums),
/// else as hex. Times with a zone are shown in UTC (`+00`): the binary form carries no session zone.
enum PostgresCellText {
    /// The cell's value as text, or nil for NULL.
    static func text(of cell: PostgresCell) -> String? {
        guard let bytes = cell.bytes else { return nil }
        if cell.format == .text { return String(decoding: bytes.readableBytesView, as: UTF8.self) }
        return text(of: bytes, type: cell.dataType)
    }

    /// The text of a binary value of type `type`.
    static func text(of value: ByteBuffer, type: PostgresDataType) -> String {
        var bytes = value
        if let text = decoded(&bytes, type: type) { return text }
        return fallback(value)
    }

    /// The value decoded by its type, or nil when the type is unknown or the bytes do not fit it.
    private static func decoded(_ bytes: inout ByteBuffer, type: PostgresDataType) -> String? {
        switch type {
        case .bool:
            return bytes.readInteger(as: UInt8.self).map { $0 != 0 ? "t" : "f" }
        case .int2:
            return exactly(2, bytes) { bytes.readInteger(as: Int16.self).map { String($0) } }
        case .int4:
            return exactly(4, bytes) { bytes.readInteger(as: Int32.self).map { String($0) } }
        case .int8:
            return exactly(8, bytes) { bytes.readInteger(as: Int64.self).map { String($0) } }
        case .oid, .regproc, .regclass, .regtype, .xid, .cid:
            return exactly(4, bytes) { bytes.readInteger(as: UInt32.self).map { String($0) } }
        case .xid8:
            return exactly(8, bytes) { bytes.readInteger(as: UInt64.self).map { String($0) } }
        case .float4:
            return exactly(4, bytes) { bytes.readInteger(as: UInt32.self).map { floatText(Float(bitPattern: $0)) } }
        case .float8:
            return exactly(8, bytes) { bytes.readInteger(as: UInt64.self).map { floatText(Double(bitPattern: $0)) } }
        case .text, .varchar, .bpchar, .name, .char, .unknown, .json, .xml:
            return String(decoding: bytes.readableBytesView, as: UTF8.self)
        case .jsonb:
            // A version byte (1), then the JSON text.
            guard bytes.readInteger(as: UInt8.self) == 1 else { return nil }
            return String(decoding: bytes.readableBytesView, as: UTF8.self)
        case .bytea:
            return "\\x" + Hex.string(bytes.readableBytesView)
        case .uuid:
            guard bytes.readableBytes == 16 else { return nil }
            let digits = Hex.string(bytes.readableBytesView)
            let cuts = [8, 12, 16, 20]
            var text = ""
            for (index, character) in digits.enumerated() {
                if cuts.contains(index) { text.append("-") }
                text.append(character)
            }
            return text
        case .numeric:
            return numericText(&bytes)
        case .date, .time, .timetz, .timestamp, .timestamptz, .interval:
            return timeText(&bytes, type: type)
        case .inet, .cidr, .macaddr, .macaddr8:
            return networkText(&bytes, type: type)
        default:
            if type.knownSQLName?.hasSuffix("[]") == true { return arrayText(&bytes) }
            return nil
        }
    }

    /// `read()` when `bytes` holds exactly `count` bytes, else nil.
    private static func exactly(_ count: Int, _ bytes: ByteBuffer, _ read: () -> String?) -> String? {
        bytes.readableBytes == count ? read() : nil
    }

    /// A float as PostgreSQL prints it: `1.5`, `100`, `1e+20`, `Infinity`, `NaN`.
    static func floatText(_ value: some BinaryFloatingPoint & CustomStringConvertible) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// An unknown type: its bytes as text when they are printable UTF-8 (enum labels, domains of
    /// text), else as hex.
    private static func fallback(_ bytes: ByteBuffer) -> String {
        let view = bytes.readableBytesView
        if let text = String(validating: view, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" })
        {
            return text
        }
        return "\\x" + Hex.string(view)
    }
}
