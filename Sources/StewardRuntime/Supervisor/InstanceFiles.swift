import Foundation
import StewardCore

/// The files an agent keeps for each instance, under `STATE/instances/ID/`.
///
/// They are the agent's write-ahead record: `spec.json` exists exactly while the instance
/// is wanted (written before the process starts, removed before it is stopped), and
/// `process.json` names the running process. After a crash the agent rebuilds itself from
/// these two files and adopts or cleans up accordingly.
struct InstanceFiles: Sendable {
    /// What `process.json` holds.
    struct ProcessRecord: Codable, Sendable {
        var pid: Int32
        var startTicks: UInt64
        var port: Int
        var restarts: Int
        var startedAt: Date
    }

    let root: String

    init(stateDirectory: String) {
        root = stateDirectory + "/instances"
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

    func readSpec(_ id: String) -> InstanceSpec? { read(InstanceSpec.self, at: specPath(id)) }
    func readProcess(_ id: String) -> ProcessRecord? { read(ProcessRecord.self, at: processPath(id)) }

    func writeSpec(_ spec: InstanceSpec) throws {
        try FileManager.default.createDirectory(atPath: directory(spec.id), withIntermediateDirectories: true)
        try write(spec, to: specPath(spec.id))
    }

    func writeProcess(_ record: ProcessRecord, for id: String) throws {
        try write(record, to: processPath(id))
    }

    func removeSpec(_ id: String) { try? FileManager.default.removeItem(atPath: specPath(id)) }
    func removeProcess(_ id: String) { try? FileManager.default.removeItem(atPath: processPath(id)) }

    private func read<T: Decodable>(_ type: T.Type, at path: String) -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder.steward.decode(type, from: data)
    }

    /// Writes through a temporary file and a rename, then syncs, so a crash leaves the old or the new file.
    private func write<T: Encodable>(_ value: T, to path: String) throws {
        let data = try JSONEncoder.steward.encode(value)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }
}
