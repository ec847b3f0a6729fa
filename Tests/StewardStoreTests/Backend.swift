import Testing

/// Where a test's log lives: every storage test runs against both.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case file

    var testDescription: String { rawValue }
}
