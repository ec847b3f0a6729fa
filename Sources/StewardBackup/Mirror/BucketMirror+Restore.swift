import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension BucketMirror {
    /// Puts the mirror's objects back into `client`'s bucket under `location` (the source, or a new one).
    ///
    /// Every copy is checked against the SHA-256 in the manifest before it is uploaded: a copy that
    /// changed on the mirror is reported, not restored. Objects the target already holds with the
    /// same size are skipped; objects kept after their removal from the source (`keepRemoved`) are
    /// restored only with `includeRemoved`. Nothing in the target is deleted.
    /// - Throws: ``BackupError`` when the mirror has no manifest or the target cannot be listed.
    public func restore(to client: S3Client, location: S3Location, includeRemoved: Bool = false) async throws
        -> MirrorReport
    {
        guard let manifest = try await loadManifest() else {
            throw BackupError(.invalid, "\(target) holds no mirror (no \(MirrorManifest.fileName))")
        }
        let existing: [String: Int64]
        do {
            existing = Dictionary(
                try await client.listObjects(bucket: location.bucket, prefix: location.listPrefix).map { ($0.key, $0.size) },
                uniquingKeysWith: { first, _ in first })
        } catch {
            throw BackupError(.failed, "the restore target \(location) cannot be listed: \(error)")
        }
        var report = MirrorReport()
        let scratch = try PrivateDirectory()
        defer { scratch.remove() }
        for (index, entry) in manifest.entries.values.sorted(by: { $0.key < $1.key }).enumerated() {
            defer { onProgress?(index + 1, report.bytes) }
            if entry.removedAt != nil && !includeRemoved { continue }
            let key = location.key(entry.key)
            if existing[key] == entry.size {
                report.skipped += 1
                continue
            }
            do {
                let file = try await fetchCopy(entry, scratch: scratch)
                defer { if file.temporary { unlink(file.path) } }
                try await client.upload(bucket: location.bucket, key: key, file: file.path, sha256: entry.sha256)
                report.copied.append(entry.key)
                report.bytes += entry.size
            } catch {
                report.failures.append("\(entry.key): \(error)")
            }
        }
        logger.info(
            "mirror restored",
            metadata: [
                "mirror": "\(target)", "target": "\(location)", "copied": "\(report.copied.count)",
                "skipped": "\(report.skipped)", "failures": "\(report.failures.count)",
            ])
        return report
    }

    /// A local file with the mirror's copy of `entry`, checked against its size and SHA-256.
    private func fetchCopy(_ entry: MirrorManifest.Entry, scratch: PrivateDirectory) async throws -> (
        path: String, temporary: Bool
    ) {
        let path: String
        let actual: (size: Int64, sha256: String)
        let temporary: Bool
        switch target {
        case .folder(let folder):
            path = "\(folder)/\(entry.key)"
            actual = try await BlockingThread.run { try MirrorFiles.checksum(path) }
            temporary = false
        case .bucket(let client, let location):
            path = "\(scratch.path)/restore"
            unlink(path)
            actual = try await client.getObject(bucket: location.bucket, key: location.key(entry.key), to: path)
            temporary = true
        }
        guard actual.size == entry.size, actual.sha256 == entry.sha256 else {
            if temporary { unlink(path) }
            throw BackupError(
                .corrupt,
                "the mirror's copy has \(actual.size) bytes with sha256 \(actual.sha256), the manifest says \(entry.size) bytes with \(entry.sha256)")
        }
        return (path, temporary)
    }
}
