import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous temporary file that collects a command's stdout and stderr, in the order written.
final class ExecOutput {
    /// The open file, or -1 when it could not be created.
    let descriptor: Int32

    init() {
        var template = Array("\(NSTemporaryDirectory())/steward-exec-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if descriptor >= 0 {
            // Unlinked at once: nothing to clean up, whatever happens.
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        }
        self.descriptor = descriptor
    }

    /// Closes the file (which deletes it).
    func closeFile() {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// The last `count` bytes written (fewer when there are fewer), and how many were written in all.
    func lastBytes(_ count: Int) -> (bytes: [UInt8], total: Int) {
        guard descriptor >= 0 else { return ([], 0) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return ([], 0) }
        let length = Int(min(size, off_t(count)))
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, size - off_t(length)) }
        return (Array(bytes[..<max(read, 0)]), Int(size))
    }

    /// ": <the last 500 characters of the output>", or "" when there was none.
    func tailForMessage() -> String {
        let text = String(decoding: lastBytes(2048).bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return "" }
        return ": " + (text.count > 500 ? "…" + String(text.suffix(500)) : text)
    }

    /// Calls `body` with a NULL-terminated C array of the strings, valid only during the call.
    static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
    ) -> Result {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
