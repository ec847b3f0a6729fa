import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder store as a ``BackupStorage``: the artifact is staged beside its final name
/// (`ID.dump.partial`) and renamed into place, so committing is a rename, and verify and restore
/// read the stored file itself.
extension BackupStore: BackupStorage {
    public var location: String { directory }

    public func hasManifest(_ id: String) -> Bool { FileManager.default.fileExists(atPath: manifestPath(id)) }

    public func save(_ manifest: BackupManifest) throws { try write(manifest) }

    public func save(_ verification: VerificationResult) throws { try write(verification) }

    public func stagingPath(for id: String, scratch: String) -> String { artifactPath(id) + ".partial" }

    public func commitArtifact(_ id: String, staged path: String, sha256: String) throws {
        guard rename(path, artifactPath(id)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw BackupError(.failed, "cannot move the artifact into place: \(reason)")
        }
        try FileDescriptorIO.fsyncDirectory(directory)
    }

    public func discardStaged(_ id: String) -> [String] {
        let path = stagingPath(for: id, scratch: "")
        guard unlink(path) == 0 else { return [] }
        return [(path as NSString).lastPathComponent]
    }

    public func fetchArtifact(_ id: String, scratch: String) async throws -> FetchedArtifact {
        let path = artifactPath(id)
        let (size, sha256) = try await BlockingThread.run { try checksum(id) }
        return FetchedArtifact(path: path, size: size, sha256: sha256)
    }
}
