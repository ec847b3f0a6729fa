import Foundation
import StewardRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A 0700 directory under the system's temporary directory for what must never sit in the
/// store or argv: the `PGPASSFILE`, the client tools' stderr. Removed by ``remove()``.
///
/// A process killed before its ``remove()`` would leave its `PGPASSFILE` behind, so each
/// directory names its owner (`owner.json`: pid, start time, boot) and
/// ``removeAbandoned(in:ownerlessAfter:now:)`` deletes those whose owner no longer runs.
public struct PrivateDirectory: Sendable {
    let path: String

    /// The names of these directories start with this.
    static let prefix = "steward-backup-"
    /// The file in each that says which process made it.
    static let ownerFile = "owner.json"

    /// `TMPDIR`, else `/tmp`.
    public static var defaultBase: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    init(base: String = PrivateDirectory.defaultBase) throws {
        var template = Array("\(base)/\(Self.prefix)XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw BackupError(.failed, "cannot create a private directory in \(base): \(String(cString: strerror(errno)))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let owner = ProcessIdentity(pid: getpid(), startTicks: ProcessIdentity.startTicks(of: getpid()) ?? 0)
        if let json = try? JSONEncoder().encode(owner) {
            _ = try? write(Self.ownerFile, String(decoding: json, as: UTF8.self))
        }
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

    /// Deletes the private directories in `base` whose owner no longer runs (killed before it
    /// could remove them), and those without an owner file once older than `ownerlessAfter`
    /// (cut between creating and naming it, or made by an older version).
    /// - Returns: the paths deleted.
    public static func removeAbandoned(
        in base: String = defaultBase, ownerlessAfter: TimeInterval = 600, now: Date = Date()
    ) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        var removed = [String]()
        for name in names where name.hasPrefix(prefix) {
            let path = "\(base)/\(name)"
            var info = stat()
            // lstat: a symbolic link that merely has the name is not followed, nor deleted.
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { continue }
            if let data = FileManager.default.contents(atPath: "\(path)/\(ownerFile)"),
                let owner = try? JSONDecoder().decode(ProcessIdentity.self, from: data)
            {
                guard !owner.isRunning() else { continue }
            } else {
                let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
                guard now.timeIntervalSince(modified) > ownerlessAfter else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed
    }
}
