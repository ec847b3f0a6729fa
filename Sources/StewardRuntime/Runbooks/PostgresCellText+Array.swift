import Foundation
import NIOCore
import PostgresNIO

extension PostgresCellText {
    /// A binary array as PostgreSQL prints it: `{1,2,3}`, `{{a,b},{c,NULL}}`, `{"x y",""}`,
    /// `[0:1]={7,8}` when a lower bound is not 1. Elements are shown by their own type.
    ///
    /// The binary form: dimensions, a has-nulls flag, the element type, each dimension's size and
    /// lower bound, then every element as a length (-1 for NULL) and its bytes.
    static func arrayText(_ bytes: inout ByteBuffer) -> String? {
        guard let dimensions = bytes.readInteger(as: Int32.self), (0...6).contains(dimensions),
            bytes.readInteger(as: Int32.self) != nil, let elementType = bytes.readInteger(as: UInt32.self)
        else { return nil }
        guard dimensions > 0 else { return "{}" }
        var sizes: [Int] = []
        var lowerBounds: [Int] = []
        for _ in 0..<dimensions {
            guard let size = bytes.readInteger(as: Int32.self), size >= 0, let lower = bytes.readInteger(as: Int32.self)
            else { return nil }
            sizes.append(Int(size))
            lowerBounds.append(Int(lower))
        }
        var elements: [String] = []
        let count = sizes.reduce(1, *)
        for _ in 0..<count {
            guard let length = bytes.readInteger(as: Int32.self) else { return nil }
            if length < 0 {
                elements.append("NULL")
                continue
            }
            guard let element = bytes.readSlice(length: Int(length)) else { return nil }
            elements.append(quoted(text(of: element, type: PostgresDataType(elementType))))
        }
        var next = elements.makeIterator()
        func nest(_ dimension: Int) -> String {
            let items = (0..<sizes[dimension]).map { _ in
                dimension + 1 < sizes.count ? nest(dimension + 1) : (next.next() ?? "")
            }
            return "{" + items.joined(separator: ",") + "}"
        }
        let body = nest(0)
        guard lowerBounds.contains(where: { $0 != 1 }) else { return body }
        let bounds = zip(lowerBounds, sizes).map { "[\($0):\($0 + $1 - 1)]" }.joined()
        return bounds + "=" + body
    }

    /// An array element, in double quotes (with `"` and `\` escaped) when it would be ambiguous bare.
    private static func quoted(_ element: String) -> String {
        let special: Set<Character> = ["{", "}", ",", "\"", "\\"]
        let needsQuotes = element.isEmpty || element.uppercased() == "NULL"
            || element.contains { special.contains($0) || $0.isWhitespace }
        guard needsQuotes else { return element }
        let escaped = element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"" + escaped + "\""
    }
}
