import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Seals instance specs at rest with AES-GCM under a key kept in the agent's state directory.
///
/// Why: a spec holds resolved secret values (`env`, dependency URLs with passwords), and
/// `spec.json` must not hold them in clear text. The key file (`spec.key`, 0600) is created on
/// first start; someone who can read it can read the specs, but a copied state directory
/// without it, a backup of `instances/` or a stray `cat` shows nothing.
struct SpecCipher: Sendable {
    /// Sealed files start with this tag, so older plain-JSON files are still recognised.
    static let magic = Data("steward-spec-aesgcm-1\n".utf8)

    let key: SymmetricKey

    /// Loads the key from `path`, creating it (mode 0600, never overwriting) when missing.
    init(keyPath path: String) throws {
        if let data = FileManager.default.contents(atPath: path), data.count == 32 {
            key = SymmetricKey(data: data)
            return
        }
        let fresh = SymmetricKey(size: .bits256)
        let bytes = fresh.withUnsafeBytes { Data($0) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            // Another agent process won the race: use its key.
            if errno == EEXIST, let data = FileManager.default.contents(atPath: path), data.count == 32 {
                key = SymmetricKey(data: data)
                return
            }
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        key = fresh
    }

    func seal(_ plaintext: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
            throw CocoaError(.fileWriteUnknown)
        }
        return Self.magic + combined
    }

    /// The plaintext of a sealed file; a file without the tag is returned as is (written before sealing existed).
    func unseal(_ data: Data) throws -> Data {
        guard data.starts(with: Self.magic) else { return data }
        let box = try AES.GCM.SealedBox(combined: data.dropFirst(Self.magic.count))
        return try AES.GCM.open(box, using: key)
    }
}
