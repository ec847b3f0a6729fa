import Crypto
import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

/// A local directory of backups: `ID.dump` (the artifact), `ID.json` (its manifest) and, once
/// checked, `ID.verification.json`. The directory is 0700 and every file 0600.
///
/// A backup exists once its manifest does: the artifact is fsynced and renamed into place
/// first, so a crash mid-dump leaves at most a `.partial` file and never a manifest without data.
public struct BackupStore: Sendable {
    /// The store's directory (0700).
    public let directory: String

    /// Opens the store, creating the directory (0700) when missing and tightening it when looser.
    public init(directory: String) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError(.failed, "cannot create the backup store \(directory): \(error.localizedDescription)")
        }
        guard chmod(directory, 0o700) == 0 else {
            throw BackupError(.failed, "cannot restrict \(directory) to its owner: \(String(cString: strerror(errno)))")
        }
    }

    /// Where the artifact (`pg_dump -Fc` output), the manifest and the last verification of `id` are.
    public func artifactPath(_ id: String) -> String { "\(directory)/\(id).dump" }
    public func manifestPath(_ id: String) -> String { "\(directory)/\(id).json" }
    public func verificationPath(_ id: String) -> String { "\(directory)/\(id).verification.json" }

    /// The manifest of `id`; throws ``BackupError/Kind/invalid`` for an unknown or malformed id.
    public func manifest(_ id: String) throws -> BackupManifest {
        guard BackupManifest.isValidID(id) else { throw BackupError(.invalid, "not a backup id: \(id)") }
        guard let data = FileManager.default.contents(atPath: manifestPath(id)) else {
            throw BackupError(.invalid, "no backup \(id) in \(directory)")
        }
        do {
            return try JSONDecoder.steward.decode(BackupManifest.self, from: data)
        } catch {
            throw BackupError(.corrupt, "the manifest of \(id) cannot be read: \(error)")
        }
    }

    /// Every backup with a manifest, oldest first.
    public func manifests() throws -> [BackupManifest] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".verification.json") }
            .map { String($0.dropLast(5)) }
            .filter(BackupManifest.isValidID)
            .map(manifest)
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The last verification of `id`, when there was one.
    public func verification(_ id: String) -> VerificationResult? {
        FileManager.default.contents(atPath: verificationPath(id))
            .flatMap { try? JSONDecoder.steward.decode(VerificationResult.self, from: $0) }
    }

    /// What retention needs to know about every backup (verified = its last verification passed).
    public func retained() throws -> [RetainedBackup] {
        try manifests().map {
            RetainedBackup(
                id: $0.id, createdAt: $0.createdAt, environment: $0.environment, dependency: $0.dependency,
                verified: verification($0.id)?.passed ?? false)
        }
    }

    func write(_ manifest: BackupManifest) throws {
        try FileDescriptorIO.writeAtomically(try JSONEncoder.steward.encode(manifest), to: manifestPath(manifest.id))
    }

    func write(_ verification: VerificationResult) throws {
        try FileDescriptorIO.writeAtomically(
            try JSONEncoder.steward.encode(verification), to: verificationPath(verification.backupID))
    }

    /// Removes a backup: the manifest first, so a crash in between leaves an orphan artifact, never a manifest without one.
    public func delete(_ id: String) throws {
        guard BackupManifest.isValidID(id) else { throw BackupError(.invalid, "not a backup id: \(id)") }
        for path in [manifestPath(id), verificationPath(id), artifactPath(id)] where unlink(path) != 0 && errno != ENOENT {
            throw BackupError(.failed, "cannot delete \(path): \(String(cString: strerror(errno)))")
        }
        try FileDescriptorIO.fsyncDirectory(directory)
    }

    /// Recomputes the artifact's SHA-256 and size, streaming the file.
    func checksum(_ id: String) throws -> (size: Int64, sha256: String) {
        let path = artifactPath(id)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(.corrupt, "cannot open the artifact \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BackupError(.corrupt, "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            total += Int64(count)
        }
        return (total, Hex.string(hasher.finalize()))
    }
}
