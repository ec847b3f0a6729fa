import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An anonymous temporary file that collects an exec check's stdout and stderr.
final class ExecOutput {
    /// The open file, or -1 when it could not be created.
    let descriptor: Int32

    init() {
        var template = Array("\(NSTemporaryDirectory())/steward-probe-XXXXXX".utf8CString)
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

    /// ": <the last 500 characters of the output>", or "" when there was none.
    func tailForMessage() -> String {
        guard descriptor >= 0 else { return "" }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size > 0 else { return "" }
        let length = Int(min(size, 2048))
        var bytes = [UInt8](repeating: 0, count: length)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, size - off_t(length)) }
        guard count > 0 else { return "" }
        let text = String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
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
