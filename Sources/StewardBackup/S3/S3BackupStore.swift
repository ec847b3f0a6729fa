import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// Backups in a bucket, under a prefix: `PREFIX/ID.dump`, `PREFIX/ID.json`, `PREFIX/ID.verification.json`,
/// the same layout as the folder store.
///
/// The artifact is dumped to a 0600 file in a private directory first and uploaded from there
/// (multipart beyond the client's part size), then checked with HeadObject; only then is the
/// manifest written, so a manifest in the bucket always describes a complete artifact. Verify and
/// restore download the artifact, streaming and hashing, into a 0600 file of their private
/// directory; the engine compares size and SHA-256 with the manifest before anything is restored.
public struct S3BackupStore: BackupStorage {
    public let client: S3Client
    public let bucketLocation: S3Location

    public init(client: S3Client, location: S3Location) {
        self.client = client
        self.bucketLocation = location
    }

    public var location: String { bucketLocation.description }

    private var bucket: String { bucketLocation.bucket }
    func artifactKey(_ id: String) -> String { bucketLocation.key("\(id).dump") }
    func manifestKey(_ id: String) -> String { bucketLocation.key("\(id).json") }
    func verificationKey(_ id: String) -> String { bucketLocation.key("\(id).verification.json") }

    public func manifest(_ id: String) async throws -> BackupManifest {
        guard BackupManifest.isValidID(id) else { throw BackupError(.invalid, "not a backup id: \(id)") }
        let data: Data
        do {
            data = try await client.getData(bucket: bucket, key: manifestKey(id))
        } catch let error as S3Error where error.isNotFound {
            throw BackupError(.invalid, "no backup \(id) in \(location)")
        } catch {
            throw BackupError(.failed, "the manifest of \(id) cannot be read from \(location): \(error)")
        }
        do {
            return try JSONDecoder.steward.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError(.corrupt, "the manifest of \(id) cannot be read: \(error)")
        }
    }

    public func manifests() async throws -> [BackupManifest] {
        let objects: [S3Object]
        do {
            objects = try await client.listObjects(bucket: bucket, prefix: bucketLocation.listPrefix)
        } catch {
            throw BackupError(.failed, "the backups in \(location) cannot be listed: \(error)")
        }
        var manifests = [BackupManifest]()
        for object in objects {
            let name = String(object.key.dropFirst(bucketLocation.listPrefix.count))
            guard name.hasSuffix(".json"), !name.hasSuffix(".verification.json") else { continue }
            let id = String(name.dropLast(5))
            guard BackupManifest.isValidID(id) else { continue }
            manifests.append(try await manifest(id))
        }
        return manifests.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func verification(_ id: String) async -> VerificationResult? {
        guard let data = try? await client.getData(bucket: bucket, key: verificationKey(id)) else { return nil }
        return try? JSONDecoder.steward.decode(VerificationResult.self, from: data)
    }

    public func retained() async throws -> [RetainedBackup] {
        var retained = [RetainedBackup]()
        for manifest in try await manifests() {
            retained.append(
                RetainedBackup(
                    id: manifest.id, createdAt: manifest.createdAt, environment: manifest.environment,
                    dependency: manifest.dependency, verified: await verification(manifest.id)?.passed ?? false))
        }
        return retained
    }

    public func hasManifest(_ id: String) async throws -> Bool {
        do {
            return try await client.headObject(bucket: bucket, key: manifestKey(id)) != nil
        } catch {
            throw BackupError(.failed, "\(location) cannot be read: \(error)")
        }
    }

    public func save(_ manifest: BackupManifest) async throws {
        try await put(try JSONEncoder.steward.encode(manifest), manifestKey(manifest.id))
    }

    public func save(_ verification: VerificationResult) async throws {
        try await put(try JSONEncoder.steward.encode(verification), verificationKey(verification.backupID))
    }

    public func delete(_ id: String) async throws {
        guard BackupManifest.isValidID(id) else { throw BackupError(.invalid, "not a backup id: \(id)") }
        for key in [manifestKey(id), verificationKey(id), artifactKey(id)] {
            do {
                try await client.deleteObject(bucket: bucket, key: key)
            } catch {
                throw BackupError(.failed, "cannot delete \(key) from \(bucket): \(error)")
            }
        }
    }

    public func stagingPath(for id: String, scratch: String) -> String { "\(scratch)/\(id).dump" }

    /// Aborts the multipart uploads of the artifact left open (the bucket would keep, and bill,
    /// their parts); the artifact itself is staged in a private local directory.
    public func discardStaged(_ id: String) async -> [String] {
        let key = artifactKey(id)
        guard let uploads = try? await client.inProgressUploads(bucket: bucket, prefix: key) else { return [] }
        var aborted = [String]()
        for upload in uploads where upload.key == key {
            if (try? await client.abortMultipartUpload(bucket: bucket, key: key, uploadID: upload.uploadID)) != nil {
                aborted.append("the unfinished multipart upload of \(location)/\(id).dump")
            }
        }
        return aborted
    }

    public func commitArtifact(_ id: String, staged path: String, sha256: String) async throws {
        let key = artifactKey(id)
        do {
            let size = try S3Client.fileSize(path)
            try await client.upload(bucket: bucket, key: key, file: path, sha256: sha256)
            // The object must be there with every byte before a manifest may describe it.
            guard let stored = try await client.headObject(bucket: bucket, key: key), stored.size == size else {
                throw BackupError(.failed, "the uploaded artifact \(key) is missing or not \(size) bytes")
            }
        } catch {
            try? await client.deleteObject(bucket: bucket, key: key)
            if let error = error as? BackupError { throw error }
            throw BackupError(.failed, "cannot upload the artifact of \(id) to \(location): \(error)")
        }
    }

    public func fetchArtifact(_ id: String, scratch: String) async throws -> FetchedArtifact {
        let path = "\(scratch)/\(id).dump"
        do {
            let (size, sha256) = try await client.getObject(bucket: bucket, key: artifactKey(id), to: path)
            return FetchedArtifact(path: path, size: size, sha256: sha256)
        } catch let error as S3Error where error.isNotFound {
            throw BackupError(.corrupt, "the artifact of \(id) is missing from \(location)")
        } catch let error as S3Error {
            throw BackupError(.failed, "cannot download the artifact of \(id) from \(location): \(error)")
        }
    }

    private func put(_ data: Data, _ key: String) async throws {
        do {
            try await client.putData(bucket: bucket, key: key, data)
        } catch {
            throw BackupError(.failed, "cannot write \(key) to \(bucket): \(error)")
        }
    }
}
