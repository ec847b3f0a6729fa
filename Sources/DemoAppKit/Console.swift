#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole lines straight to stdout or stderr.
///
/// Each line is one `write(2)` without stdio buffering, so a supervisor that redirects stdout to a
/// file sees every line at once and lines from concurrent requests never interleave.
enum Console {
    /// Writes `line` and a newline to stdout.
    static func output(_ line: String) {
        write(line, to: STDOUT_FILENO)
    }

    /// Writes `line` and a newline to stderr.
    static func error(_ line: String) {
        write(line, to: STDERR_FILENO)
    }

    private static func write(_ line: String, to descriptor: Int32) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return  // Nowhere to report a failing stdout; drop the line rather than spin.
            }
        }
    }
}
