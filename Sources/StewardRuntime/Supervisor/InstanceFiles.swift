import Foundation
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

/// The files an agent keeps for each instance, under `STATE/instances/ID/`.
///
/// They are the agent's write-ahead record: `spec.json` exists exactly while the instance
/// is wanted (durable before a start is answered: written before the process starts, or, for
/// the first start of an id, right after it is spawned, see `Supervisor.startFirst`; removed
/// before it is stopped), and `process.json` names the running process. After a crash the
/// agent rebuilds itself from these two files and adopts or cleans up accordingly.
///
/// Directories are 0700 and files 0600: specs and logs hold secrets. `spec.json` is
/// additionally sealed with ``SpecCipher`` (its name is kept for continuity).
struct InstanceFiles: Sendable {
    /// What `process.json` holds.
    struct ProcessRecord: Codable, Sendable {
        var pid: Int32
        var startTicks: UInt64
        /// The boot the process started in; missing in records of older agents (never adopted then).
        var bootID: String?
        var port: Int
        var restarts: Int
        var startedAt: Date

        var identity: ProcessIdentity {
            ProcessIdentity(pid: pid, startTicks: startTicks, bootID: bootID ?? "")
        }
    }

    let root: String
    let cipher: SpecCipher

    init(stateDirectory: String, cipher: SpecCipher) {
        root = stateDirectory + "/instances"
        self.cipher = cipher
    }

    func directory(_ id: String) -> String { "\(root)/\(id)" }
    func specPath(_ id: String) -> String { "\(directory(id))/spec.json" }
    func processPath(_ id: String) -> String { "\(directory(id))/process.json" }
    /// Combined stdout and stderr of the instance.
    func logPath(_ id: String) -> String { "\(directory(id))/output.log" }

    /// Ids of every instance directory, wanted or not.
    func allIDs() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root))?.sorted() ?? []
    }

    func readSpec(_ id: String) -> InstanceSpec? {
        guard let sealed = FileManager.default.contents(atPath: specPath(id)),
            let data = try? cipher.unseal(sealed)
        else { return nil }
        return try? JSONDecoder.steward.decode(InstanceSpec.self, from: data)
    }

    func readProcess(_ id: String) -> ProcessRecord? {
        guard let data = FileManager.default.contents(atPath: processPath(id)) else { return nil }
        return try? JSONDecoder.steward.decode(ProcessRecord.self, from: data)
    }

    /// Creates the instance's directory (0700), where its log goes from the first start.
    func makeDirectory(_ id: String) throws { try Self.makePrivateDirectory(directory(id)) }

    func writeSpec(_ spec: InstanceSpec) throws {
        try Self.makePrivateDirectory(directory(spec.id))
        try write(try cipher.seal(try JSONEncoder.steward.encode(spec)), to: specPath(spec.id))
    }

    func writeProcess(_ record: ProcessRecord, for id: String) throws {
        try Self.makePrivateDirectory(directory(id))
        // Not synced: the record only matters while its process can still run, i.e. within this
        // boot, and within a boot the page cache survives an agent crash. After a reboot the boot
        // id rules the record out anyway. (Saves an fsync on every start.)
        try write(try JSONEncoder.steward.encode(record), to: processPath(id), sync: false)
    }

    func removeSpec(_ id: String) { try? FileManager.default.removeItem(atPath: specPath(id)) }
    func removeProcess(_ id: String) { try? FileManager.default.removeItem(atPath: processPath(id)) }

    /// Creates `path` (and its parents) as needed and makes it 0700.
    static func makePrivateDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard chmod(path, 0o700) == 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Writes a 0600 file through a temporary file and a rename (synced unless `sync` is false),
    /// so a crash leaves the old or the new file and nobody else ever reads either.
    private func write(_ data: Data, to path: String, sync: Bool = true) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = !sync || fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
