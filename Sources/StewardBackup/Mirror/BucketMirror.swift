import Foundation
import Logging
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// An incremental copy of a bucket prefix into another bucket or a local folder, and the way back.
///
/// ``sync()`` lists the source, compares every object's size and ETag with the mirror's manifest
/// (``MirrorManifest``) and copies only what is new or changed, streaming through SHA-256 (a
/// temporary 0600 file between two buckets, never the whole object in memory). An object gone from
/// the source is deleted from the mirror, unless ``keepRemoved`` keeps it (marked in the manifest).
/// ``restore(to:)`` puts the mirror's objects back into a bucket, each checked against its
/// SHA-256 first. One object that fails is reported and tried again at the next sync; the others go on.
public struct BucketMirror: Sendable {
    public var source: S3Client
    public var sourceLocation: S3Location
    public var target: MirrorTarget
    /// Keep copies of objects deleted from the source (a mirror that protects against deletion).
    public var keepRemoved: Bool
    public var logger: Logger
    /// Called after each object a sync or restore handled (copied, skipped or failed), with the
    /// objects handled so far and the bytes copied so far: for live progress.
    public var onProgress: (@Sendable (_ objects: Int, _ bytes: Int64) -> Void)?

    public init(
        source: S3Client, sourceLocation: S3Location, target: MirrorTarget, keepRemoved: Bool = false,
        logger: Logger
    ) {
        self.source = source
        self.sourceLocation = sourceLocation
        self.target = target
        self.keepRemoved = keepRemoved
        self.logger = logger
    }

    /// Brings the mirror up to date with the source.
    /// - Returns: what was copied, skipped, deleted or kept, and what failed.
    /// - Throws: ``BackupError`` when the source cannot be listed or the manifest cannot be read or written.
    public func sync() async throws -> MirrorReport {
        let objects: [S3Object]
        do {
            objects = try await source.listObjects(bucket: sourceLocation.bucket, prefix: sourceLocation.listPrefix)
        } catch {
            throw BackupError(.failed, "the source \(sourceLocation) cannot be listed: \(error)")
        }
        var manifest = try await loadManifest() ?? MirrorManifest(source: sourceLocation.description)
        let present = try await targetSizes()
        var report = MirrorReport()
        var seen = Set<String>()
        let scratch = try PrivateDirectory()
        defer { scratch.remove() }

        for (index, object) in objects.enumerated() {
            defer { onProgress?(index + 1, report.bytes) }
            let key = String(object.key.dropFirst(sourceLocation.listPrefix.count))
            guard key != MirrorManifest.fileName else { continue }
            seen.insert(key)
            guard Self.isSafeKey(key) else {
                report.failures.append("\(object.key): a key with an empty, '.' or '..' segment cannot be mirrored")
                continue
            }
            if let entry = manifest.entries[key], entry.removedAt == nil, entry.etag == object.etag,
                entry.size == object.size, present[key] == object.size
            {
                report.skipped += 1
                continue
            }
            do {
                let sha256 = try await copyIn(object, as: key, scratch: scratch)
                manifest.entries[key] = MirrorManifest.Entry(
                    key: key, size: object.size, etag: object.etag, sha256: sha256, lastModified: object.lastModified,
                    copiedAt: Date())
                report.copied.append(key)
                report.bytes += object.size
            } catch {
                report.failures.append("\(object.key): \(error)")
            }
        }

        for key in manifest.entries.keys.sorted() where !seen.contains(key) {
            if keepRemoved {
                if manifest.entries[key]?.removedAt == nil { manifest.entries[key]?.removedAt = Date() }
                report.kept.append(key)
                continue
            }
            do {
                try await removeCopy(key)
                manifest.entries[key] = nil
                report.deleted.append(key)
            } catch {
                report.failures.append("\(key): the copy of an object gone from the source cannot be deleted: \(error)")
            }
        }
        manifest.syncedAt = Date()
        try await saveManifest(manifest)
        logger.info(
            "mirror synced",
            metadata: [
                "source": "\(sourceLocation)", "target": "\(target)", "copied": "\(report.copied.count)",
                "skipped": "\(report.skipped)", "deleted": "\(report.deleted.count)",
                "failures": "\(report.failures.count)",
            ])
        return report
    }

    /// A key that maps to a path below the mirror folder: no empty, `.` or `..` segment.
    static func isSafeKey(_ key: String) -> Bool {
        !key.isEmpty && !key.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// Copies one source object into the mirror. - Returns: the SHA-256 of the bytes copied.
    private func copyIn(_ object: S3Object, as key: String, scratch: PrivateDirectory) async throws -> String {
        switch target {
        case .folder(let folder):
            let path = "\(folder)/\(key)"
            try MirrorFiles.createParents(of: path, below: folder)
            let partial = path + ".steward-partial"
            unlink(partial)
            let (size, sha256) = try await source.getObject(bucket: sourceLocation.bucket, key: object.key, to: partial)
            try MirrorFiles.commit(partial, to: path, expectedSize: object.size, actualSize: size)
            return sha256
        case .bucket(let client, let location):
            let file = "\(scratch.path)/copy"
            defer { unlink(file) }
            let (size, sha256) = try await source.getObject(bucket: sourceLocation.bucket, key: object.key, to: file)
            guard size == object.size else {
                throw BackupError(.failed, "read \(size) bytes, the listing said \(object.size)")
            }
            try await client.upload(bucket: location.bucket, key: location.key(key), file: file, sha256: sha256)
            return sha256
        }
    }

    private func removeCopy(_ key: String) async throws {
        switch target {
        case .folder(let folder):
            let path = "\(folder)/\(key)"
            guard unlink(path) == 0 || errno == ENOENT else {
                throw BackupError(.failed, "cannot delete \(path): \(String(cString: strerror(errno)))")
            }
        case .bucket(let client, let location):
            try await client.deleteObject(bucket: location.bucket, key: location.key(key))
        }
    }

    /// The size of every copy in the mirror by relative key (a copy deleted by hand is copied again).
    private func targetSizes() async throws -> [String: Int64] {
        switch target {
        case .folder(let folder):
            return MirrorFiles.sizes(below: folder)
        case .bucket(let client, let location):
            do {
                let objects = try await client.listObjects(bucket: location.bucket, prefix: location.listPrefix)
                return Dictionary(
                    objects.map { (String($0.key.dropFirst(location.listPrefix.count)), $0.size) },
                    uniquingKeysWith: { first, _ in first })
            } catch {
                throw BackupError(.failed, "the mirror \(location) cannot be listed: \(error)")
            }
        }
    }

    /// The mirror's manifest, nil for a new mirror.
    func loadManifest() async throws -> MirrorManifest? {
        let data: Data?
        switch target {
        case .folder(let folder):
            try MirrorFiles.createFolder(folder)
            data = FileManager.default.contents(atPath: "\(folder)/\(MirrorManifest.fileName)")
        case .bucket(let client, let location):
            do {
                data = try await client.getData(bucket: location.bucket, key: location.key(MirrorManifest.fileName))
            } catch let error as S3Error where error.isNotFound {
                data = nil
            } catch {
                throw BackupError(.failed, "the manifest of the mirror \(location) cannot be read: \(error)")
            }
        }
        guard let data else { return nil }
        do {
            return try JSONDecoder.steward.decode(MirrorManifest.self, from: data)
        } catch {
            throw BackupError(.corrupt, "the manifest of the mirror \(target) cannot be read: \(error)")
        }
    }

    private func saveManifest(_ manifest: MirrorManifest) async throws {
        let data = try JSONEncoder.steward.encode(manifest)
        switch target {
        case .folder(let folder):
            try FileDescriptorIO.writeAtomically(data, to: "\(folder)/\(MirrorManifest.fileName)")
        case .bucket(let client, let location):
            do {
                try await client.putData(bucket: location.bucket, key: location.key(MirrorManifest.fileName), data)
            } catch {
                throw BackupError(.failed, "the manifest of the mirror \(location) cannot be written: \(error)")
            }
        }
    }
}
