import Foundation
import StewardRuntime
import StewardTesting
import Testing

@testable import StewardBackup

/// Private directories (PGPASSFILE, tool logs) left by processes killed before removing them.
@Suite struct PrivateDirectoryTests {
    /// A directory with `owner.json` naming `owner`.
    static func directory(_ base: String, _ name: String, owner: ProcessIdentity?) throws -> String {
        let path = "\(base)/\(name)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        if let owner {
            try JSONEncoder().encode(owner).write(to: URL(fileURLWithPath: "\(path)/\(PrivateDirectory.ownerFile)"))
        }
        return path
    }

    /// The directories of processes gone are deleted; a live process's, other names, files and links are not.
    @Test func onlyDirectoriesOfProcessesGoneAreDeleted() throws {
        let base = try TemporaryDirectory(prefix: "private-directories")
        defer { base.remove() }
        let live = try PrivateDirectory(base: base.path)
        _ = try live.write("pgpass", "127.0.0.1:5432:*:postgres:secret\n")
        let me = try #require(ProcessIdentity.startTicks(of: getpid()))
        // This pid with another start time: a process that ran under this pid once and is gone.
        let gone = try Self.directory(base.path, "steward-backup-gone01", owner: ProcessIdentity(pid: getpid(), startTicks: me + 1))
        try "x".write(toFile: "\(gone)/pgpass", atomically: true, encoding: .utf8)
        let otherBoot = try Self.directory(
            base.path, "steward-backup-boot01", owner: ProcessIdentity(pid: getpid(), startTicks: me, bootID: "another-boot"))
        let otherName = try Self.directory(base.path, "keep-me", owner: ProcessIdentity(pid: getpid(), startTicks: me + 1))
        try "not a directory".write(toFile: "\(base.path)/steward-backup-file01", atomically: true, encoding: .utf8)
        let target = try Self.directory(base.path, "link-target", owner: ProcessIdentity(pid: getpid(), startTicks: me + 1))
        try FileManager.default.createSymbolicLink(atPath: "\(base.path)/steward-backup-link01", withDestinationPath: target)

        let removed = PrivateDirectory.removeAbandoned(in: base.path)
        #expect(Set(removed) == [gone, otherBoot])
        let fileManager = FileManager.default
        #expect(fileManager.fileExists(atPath: "\(live.path)/pgpass"), "the live process's directory stays")
        #expect(!fileManager.fileExists(atPath: gone) && !fileManager.fileExists(atPath: otherBoot))
        #expect(fileManager.fileExists(atPath: otherName))
        #expect(fileManager.fileExists(atPath: "\(base.path)/steward-backup-file01"))
        #expect(fileManager.fileExists(atPath: "\(target)/\(PrivateDirectory.ownerFile)"), "a link is not followed")
        live.remove()
    }

    /// A directory without an owner file goes only once it is old: it may be being made right now.
    @Test func ownerlessDirectoriesGoOnceOld() throws {
        let base = try TemporaryDirectory(prefix: "private-directories")
        defer { base.remove() }
        let ownerless = try Self.directory(base.path, "steward-backup-none01", owner: nil)
        #expect(PrivateDirectory.removeAbandoned(in: base.path, ownerlessAfter: 600).isEmpty)
        #expect(PrivateDirectory.removeAbandoned(in: base.path, ownerlessAfter: 600, now: Date().addingTimeInterval(601)) == [ownerless])
        #expect(!FileManager.default.fileExists(atPath: ownerless))
    }

    /// A new directory is 0700 and names this process as its owner.
    @Test func aNewDirectoryIsPrivateAndOwned() throws {
        let base = try TemporaryDirectory(prefix: "private-directories")
        defer { base.remove() }
        let directory = try PrivateDirectory(base: base.path)
        defer { directory.remove() }
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let data = try #require(FileManager.default.contents(atPath: "\(directory.path)/\(PrivateDirectory.ownerFile)"))
        let owner = try JSONDecoder().decode(ProcessIdentity.self, from: data)
        #expect(owner.pid == getpid())
        #expect(owner.isRunning())
    }
}
