import Foundation

/// What one runbook step produced: the facts later steps' conditions read and the log records.
///
/// Every step kind fills the fields that mean something for it: a command its exit code, an
/// HTTP request its status, SQL its row count and first value, Redis its reply as ``value``.
public struct RunbookStepResult: Sendable, Codable, Equatable {
    /// Whether the step did what it was asked (exit 0, an expected status, no SQL or Redis error).
    public var succeeded: Bool
    /// A command's exit code (nil when it did not exit on its own).
    public var exitCode: Int?
    /// An HTTP request's response status.
    public var status: Int?
    /// Rows an SQL statement returned or changed.
    public var rows: Int?
    /// The first value: SQL's first column of the first row, Redis's reply as text.
    public var value: String?
    /// What the step printed or answered, as text, bounded to ``outputLimit`` bytes (the end is kept).
    public var output: String
    /// Why it failed, in one line, when it did.
    public var error: String?

    /// Output kept per step: enough for a report, never a log-sized blob in the event log.
    public static let outputLimit = 16 * 1024

    public init(
        succeeded: Bool, exitCode: Int? = nil, status: Int? = nil, rows: Int? = nil, value: String? = nil,
        output: String = "", error: String? = nil
    ) {
        self.succeeded = succeeded
        self.exitCode = exitCode
        self.status = status
        self.rows = rows
        self.value = value
        self.output = Self.bounded(output)
        self.error = error
    }

    /// A failure before anything ran (unreachable server, bad URL, timeout…).
    public static func failure(_ error: String, output: String = "") -> RunbookStepResult {
        RunbookStepResult(succeeded: false, output: output, error: error)
    }

    /// `text` cut to its last ``outputLimit`` bytes at a character boundary, marked when cut.
    public static func bounded(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > outputLimit else { return text }
        var start = utf8.index(utf8.endIndex, offsetBy: -outputLimit)
        while start < utf8.endIndex, start.samePosition(in: text.unicodeScalars) == nil { start = utf8.index(after: start) }
        return "[… \(utf8.distance(from: utf8.startIndex, to: start)) bytes cut]\n" + String(text[start...])
    }
}
