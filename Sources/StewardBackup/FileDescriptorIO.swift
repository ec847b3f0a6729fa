import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The few raw file operations durability needs and Foundation does not offer: full writes, fsync of files and directories.
enum FileDescriptorIO {
    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw BackupError(.failed, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        guard Glibc.fsync(fd) == 0 else {
            throw BackupError(.failed, "cannot fsync \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes a rename or a new file in `directory` durable.
    static func fsyncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(.failed, "cannot open \(directory): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try fsync(fd, path: directory)
    }

    /// Writes `data` to `path` durably: a 0600 temp file beside it, fsync, rename, fsync of the directory.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = path + ".partial"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(.failed, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        do {
            try data.withUnsafeBytes { try writeAll(fd, $0, path: temporary) }
            try fsync(fd, path: temporary)
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw BackupError(.failed, "cannot rename \(temporary) to \(path): \(reason)")
        }
        try fsyncDirectory((path as NSString).deletingLastPathComponent)
    }
}
