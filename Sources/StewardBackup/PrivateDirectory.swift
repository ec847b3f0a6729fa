import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A 0700 directory under the system's temporary directory for what must never sit in the
/// store or argv: the `PGPASSFILE`, the client tools' stderr. Removed by ``remove()``.
struct PrivateDirectory {
    let path: String

    init() throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/steward-backup-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw BackupError(.failed, "cannot create a private directory in \(base): \(String(cString: strerror(errno)))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Writes `contents` to a new 0600 file (created with that mode: never readable by others, even briefly).
    func write(_ name: String, _ contents: String) throws -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(.failed, "cannot create \(file): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try FileDescriptorIO.writeAll(fd, Array(contents.utf8), path: file)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
