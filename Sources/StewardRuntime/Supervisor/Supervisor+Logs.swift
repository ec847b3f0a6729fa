import Foundation
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

extension Supervisor {
    /// Reads part of an instance's output log.
    ///
    /// - Parameters:
    ///   - offset: where to start; negative counts back from the end (`-4096` is the last 4 KiB).
    ///   - limit: the most bytes returned.
    public func readLog(_ id: String, offset: Int, limit: Int) -> LogChunk? {
        let path = files.logPath(id)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return FileManager.default.fileExists(atPath: files.directory(id))
                ? LogChunk(instanceID: id, offset: 0, nextOffset: 0, text: "") : nil
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        var start = offset < 0 ? max(0, size + offset) : offset
        if start > size { start = 0 }  // the log was rotated underneath the reader
        try? handle.seek(toOffset: UInt64(start))
        let data = (try? handle.read(upToCount: max(0, min(limit, size - start)))) ?? Data()
        return LogChunk(
            instanceID: id, offset: start, nextOffset: start + data.count,
            text: String(decoding: data, as: UTF8.self))
    }

    /// Checks log sizes every `logRotationInterval` until cancelled (a few `stat`s: no measurable cost).
    func rotateLogsPeriodically() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: logRotationInterval) } catch { return }
            rotateLogs()
        }
    }

    /// Copy-and-truncate rotation: the instance keeps appending to the same descriptor, which
    /// survives the agent; a few bytes written between copy and truncate can be lost.
    private func rotateLogs() {
        for managed in instances.values {
            let id = managed.spec.id
            let path = files.logPath(id)
            let policy = managed.spec.logs
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                let size = attributes[.size] as? Int, size > policy.maxBytes
            else { continue }
            let fileManager = FileManager.default
            if policy.keepFiles > 0 {
                try? fileManager.removeItem(atPath: "\(path).\(policy.keepFiles)")
                for index in stride(from: policy.keepFiles - 1, through: 1, by: -1) {
                    try? fileManager.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
                }
                try? fileManager.copyItem(atPath: path, toPath: "\(path).1")
                chmod("\(path).1", 0o600)
            }
            truncate(path, 0)
        }
    }
}
