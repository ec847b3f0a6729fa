import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system's temporary directory, removed by ``remove()``.
///
/// ```swift
/// let directory = try TemporaryDirectory(prefix: "store-test")
/// defer { directory.remove() }
/// ```
public struct TemporaryDirectory: Sendable {
    /// The absolute path of the directory.
    public let path: String

    /// Creates a new, empty, uniquely named directory whose name starts with `prefix`.
    public init(prefix: String) throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw SystemCallError.failed("mkdtemp in \(base)", errno: errno) }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Deletes the directory and everything in it; does nothing when it is already gone.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
