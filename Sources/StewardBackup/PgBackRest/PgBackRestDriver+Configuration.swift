import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension PgBackRestDriver {
    /// Writes `pgbackrest.conf` and the pgpass files into the configuration directory and creates
    /// the repository folder, all owned by the clusters' system user.
    ///
    /// The directory is 0700 and every file 0600, written under a temporary name and renamed, so a
    /// server archiving WAL meanwhile reads either the old file or the new one. A stanza whose role
    /// has no password gets no pgpass file (and an old one is removed).
    /// - Throws: ``BackupError`` (`invalid`) listing every problem of the configuration, before
    ///   anything is written.
    public func writeConfiguration() throws {
        let problems = configuration.problems
        guard problems.isEmpty else {
            throw BackupError(.invalid, "the pgBackRest configuration cannot be written: " + problems.joined(separator: "; "))
        }
        let owner = configuration.clusters.first?.systemUser
        let directory = configuration.directory
        for path in [directory, "\(directory)/lock", "\(directory)/log"] {
            try Self.makeDirectory(path, mode: 0o700, owner: owner)
        }
        try Self.makeDirectory(configuration.repository, mode: 0o750, owner: owner)
        try Self.replaceFile(configuration.file, with: configuration.text, owner: owner)
        for cluster in configuration.clusters {
            if let password = cluster.password {
                let line = "*:\(cluster.port):*:\(Self.escaped(cluster.user)):\(Self.escaped(password))\n"
                try Self.replaceFile(passFile(cluster.stanza), with: line, owner: owner)
            } else {
                unlink(passFile(cluster.stanza))
            }
        }
    }

    /// Creates `path` (not its parents) with `mode` when missing, and sets mode and owner either way.
    static func makeDirectory(_ path: String, mode: mode_t, owner: String?) throws {
        var status = stat()
        if lstat(path, &status) != 0 {
            guard mkdir(path, mode) == 0 else {
                throw BackupError(.failed, "cannot create \(path): \(String(cString: strerror(errno)))")
            }
        } else if (status.st_mode & mode_t(S_IFMT)) != mode_t(S_IFDIR) {
            throw BackupError(.invalid, "\(path) exists and is not a directory")
        }
        guard chmod(path, mode) == 0 else {
            throw BackupError(.failed, "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
        try ClusterCommand.handOver(path, to: owner)
    }

    /// Writes `contents` to a new 0600 file beside `path`, gives it to `owner`, fsyncs it and renames it over `path`.
    static func replaceFile(_ path: String, with contents: String, owner: String?) throws {
        let temporary = "\(path).steward-new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(.failed, "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        do {
            defer { close(fd) }
            try FileDescriptorIO.writeAll(fd, Array(contents.utf8), path: temporary)
            try FileDescriptorIO.fsync(fd, path: temporary)
            try ClusterCommand.handOver(temporary, to: owner)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw BackupError(.failed, "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// A pgpass field with `\` and `:` escaped as libpq expects.
    static func escaped(_ field: String) -> String {
        field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
    }
}
