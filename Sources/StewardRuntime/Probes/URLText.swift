import Foundation

/// Helpers for showing URLs in messages without their secrets.
enum URLText {
    /// `url` with any password replaced by `***`, so results, logs and answers never carry it.
    ///
    /// Works on text, not on a parsed URL: a URL that does not parse (a password with a stray
    /// `#` or `/`) must be redacted all the same.
    static func redactingPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        // The userinfo ends at the last "@" before the path; passwords may contain "/" or "@" themselves.
        guard let at = rest.lastIndex(of: "@") else { return url }
        let userinfo = rest[..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
