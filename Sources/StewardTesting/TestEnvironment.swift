import Foundation

/// Where the repository and the built executables are, seen from a running test.
public enum TestEnvironment {
    /// The directory holding `Package.swift`, found by walking up from `filePath` (the caller's source file).
    public static func repositoryRoot(from filePath: String = #filePath) -> String {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The directory the running test binary was built into, where `steward` and `demo-app` are too
    /// (e.g. `.build/x86_64-unknown-linux-gnu/debug`).
    ///
    /// Resolves `/proc/self/exe` (or the first argument off Linux) and walks out of any `.xctest` bundle.
    public static func buildProductsDirectory() -> String {
        var executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? FileManager.default.currentDirectoryPath
        if !executable.hasPrefix("/") {
            executable = FileManager.default.currentDirectoryPath + "/" + executable
        }
        let components = URL(fileURLWithPath: executable).resolvingSymlinksInPath().pathComponents
        // Everything before the first `.xctest` component (Linux: the binary itself; macOS: the bundle).
        let kept: ArraySlice<String>
        if let bundle = components.firstIndex(where: { $0.hasSuffix(".xctest") }) {
            kept = components[..<bundle]
        } else {
            kept = components.dropLast()
        }
        let path = kept.joined(separator: "/")
        return path.hasPrefix("//") ? String(path.dropFirst()) : path
    }
}
