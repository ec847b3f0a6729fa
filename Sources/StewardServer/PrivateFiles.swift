import Foundation

/// Files only the control plane's own user may read: its data directory and what is in it.
enum PrivateFiles {
    /// Creates `path` (and its parents) if needed and makes it 0700.
    static func prepareDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }

    /// Makes every regular file directly in `directory` 0600 (the store and its WAL files).
    static func restrictFiles(in directory: String) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
    }

    /// Writes `data` to `path` with mode 0600, durably: a temporary file, fsync, then rename.
    ///
    /// - Throws: when any step fails; `path` is then unchanged.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(path: path, operation: "open", code: errno) }
        defer { unlink(temporary) }
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0 else { throw Failure(path: path, operation: "write", code: errno) }
        guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "rename", code: errno) }
    }

    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
    }
}
