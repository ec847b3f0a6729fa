public import Hummingbird

extension Request {
    /// An integer query parameter, checked: absent is `nil`; present but not an integer in
    /// `range` is a 400 that names the parameter and what was expected.
    public func integerParameter<Value: FixedWidthInteger & Sendable>(
        _ name: String, in range: ClosedRange<Value>
    ) throws -> Value? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Value(text), range.contains(value) else {
            throw APIError.badRequest(
                "query parameter '\(name)' is '\(text)'; expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A text query parameter, checked: absent is `nil`; empty or longer than `maxLength` bytes is a 400.
    public func textParameter(_ name: String, maxLength: Int = 256) throws -> String? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard !text.isEmpty, text.utf8.count <= maxLength else {
            throw APIError.badRequest("query parameter '\(name)' must be 1 to \(maxLength) bytes long")
        }
        return text
    }
}
