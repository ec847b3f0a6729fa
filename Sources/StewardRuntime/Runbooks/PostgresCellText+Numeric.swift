import NIOCore

extension PostgresCellText {
    /// A binary `numeric` as PostgreSQL prints it, with exactly its scale: `12.50`, `-0.001`, `NaN`.
    ///
    /// The binary form: digit count, weight (of the first base-10000 digit), sign, display scale,
    /// then the base-10000 digits.
    static func numericText(_ bytes: inout ByteBuffer) -> String? {
        guard let count = bytes.readInteger(as: Int16.self), let weight = bytes.readInteger(as: Int16.self),
            let sign = bytes.readInteger(as: UInt16.self), let scale = bytes.readInteger(as: Int16.self),
            count >= 0, scale >= 0, bytes.readableBytes == Int(count) * 2
        else { return nil }
        switch sign {
        case 0xC000: return "NaN"
        case 0xD000: return "Infinity"
        case 0xF000: return "-Infinity"
        case 0x0000, 0x4000: break
        default: return nil
        }
        var digits: [Int] = []
        for _ in 0..<count {
            guard let digit = bytes.readInteger(as: Int16.self) else { return nil }
            digits.append(Int(digit))
        }
        func digit(at index: Int) -> Int { digits.indices.contains(index) ? digits[index] : 0 }

        var text = sign == 0x4000 ? "-" : ""
        if weight < 0 {
            text += "0"
        } else {
            text += String(digit(at: 0))
            for index in stride(from: 1, through: Int(weight), by: 1) { text += padded(digit(at: index)) }
        }
        if scale > 0 {
            var fraction = ""
            var index = Int(weight) + 1
            while fraction.count < Int(scale) {
                fraction += padded(digit(at: index))
                index += 1
            }
            text += "." + fraction.prefix(Int(scale))
        }
        return text
    }

    /// A base-10000 digit as four decimal digits.
    private static func padded(_ digit: Int) -> String {
        let text = String(digit)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
