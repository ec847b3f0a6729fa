#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call failed in a test helper.
public struct SystemCallError: Error, CustomStringConvertible {
    /// What failed, with the system's reason.
    public var description: String

    /// The error for `operation` failing with `code` (an `errno` value).
    static func failed(_ operation: String, errno code: Int32) -> SystemCallError {
        SystemCallError(description: "\(operation) failed: \(String(cString: strerror(code)))")
    }
}
