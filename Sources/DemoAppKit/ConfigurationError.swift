/// An environment variable with a value `demo-app` cannot use.
struct ConfigurationError: Error, CustomStringConvertible {
    /// The variable's name, e.g. `ERROR_RATE`.
    var variable: String
    /// The offending value (hidden for secrets).
    var value: String
    /// What a valid value looks like.
    var expected: String

    var description: String { "\(variable)=\(value) is invalid: expected \(expected)" }
}
