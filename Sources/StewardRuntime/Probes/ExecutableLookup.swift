import Foundation

/// Finds executables the way a shell does.
enum ExecutableLookup {
    /// `name` itself when it contains a slash, else the first executable `name` in `searchPath`
    /// (the agent's own `PATH` when nil).
    static func resolve(_ name: String, searchPath: String? = nil) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let searchPath = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
