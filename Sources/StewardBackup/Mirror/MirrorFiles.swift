import Crypto
import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// The file operations of a folder mirror: 0700 folders, 0600 files renamed into place once complete.
enum MirrorFiles {
    static func createFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError(.failed, "cannot create the mirror folder \(path): \(error.localizedDescription)")
        }
    }

    /// Creates the folders between `root` and the file `path` (0700).
    static func createParents(of path: String, below root: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if parent != root { try createFolder(parent) }
    }

    /// Renames a downloaded file into place once it has the size the listing announced.
    static func commit(_ partial: String, to path: String, expectedSize: Int64, actualSize: Int64) throws {
        guard actualSize == expectedSize else {
            unlink(partial)
            throw BackupError(.failed, "read \(actualSize) bytes, the listing said \(expectedSize)")
        }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw BackupError(.failed, "cannot rename \(partial) to \(path): \(reason)")
        }
    }

    /// The size of every regular file below `root` by relative path (the manifest and partial files left out).
    static func sizes(below root: String) -> [String: Int64] {
        var sizes = [String: Int64]()
        guard let walker = FileManager.default.enumerator(atPath: root) else { return sizes }
        while let relative = walker.nextObject() as? String {
            guard relative != MirrorManifest.fileName, !relative.hasSuffix(".steward-partial") else { continue }
            var info = stat()
            if stat("\(root)/\(relative)", &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                sizes[relative] = Int64(info.st_size)
            }
        }
        return sizes
    }

    /// The size and SHA-256 of a file, read 64 KiB at a time.
    static func checksum(_ path: String) throws -> (size: Int64, sha256: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(.corrupt, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw BackupError(.corrupt, "cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            total += Int64(count)
        }
        return (total, Hex.string(hasher.finalize()))
    }
}
