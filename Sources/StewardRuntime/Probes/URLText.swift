import Foundation

/// Helpers for showing URLs in messages without their secrets.
enum URLText {
    /// `url` with any password replaced by `***`, so results and logs never carry it.
    static func redactingPassword(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
