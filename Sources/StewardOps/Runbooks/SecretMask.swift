import Foundation
import StewardCore

/// The secret values one runbook step uses, and their removal from anything shown or recorded.
///
/// A step's output is whatever a program printed or a server answered; it may echo a password
/// back. Every value resolved from `${secret:…}`, and the password of every URL the step uses,
/// is replaced with ``mark`` before the output reaches the log, the API or a terminal.
struct SecretMask: Sendable {
    /// What a masked value reads as.
    static let mark = "••••••"

    /// Values to hide, longest first so a value containing another is hidden whole.
    private(set) var values: [String] = []

    /// Hides `value` from now on (empty values are ignored: they would match everywhere).
    mutating func hide(_ value: String) {
        guard !value.isEmpty, !values.contains(value) else { return }
        values.append(value)
        values.sort { $0.count > $1.count }
    }

    /// Hides the password of a URL (`scheme://user:password@host…`), written literally or resolved.
    mutating func hidePassword(ofURL url: String) {
        guard let schemeEnd = url.range(of: "://") else { return }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return }
        let userinfo = rest[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return }
        let password = String(userinfo[userinfo.index(after: colon)...])
        hide(password)
        if let decoded = password.removingPercentEncoding { hide(decoded) }
    }

    /// `text` with every hidden value replaced.
    func apply(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mark) }
    }

    /// A result with its output, value and error masked.
    func apply(_ result: RunbookStepResult) -> RunbookStepResult {
        var masked = result
        masked.output = apply(result.output)
        masked.value = result.value.map(apply)
        masked.error = result.error.map(apply)
        return masked
    }
}
