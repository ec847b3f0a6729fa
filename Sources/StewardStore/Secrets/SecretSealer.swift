import Crypto
import Foundation
import StewardCore

/// Seals and opens single secret values with AES-GCM under the vault key.
///
/// A sealed value is `0x01 ‖ key id (8 bytes) ‖ nonce (12) ‖ ciphertext ‖ tag (16)`. The key id
/// lets a value sealed under another key be reported as such rather than as damage. The secret's
/// name, environment and version are authenticated with it (AES-GCM's associated data), so a
/// sealed value copied onto another row does not open.
struct SecretSealer: Sendable {
    /// The format byte of sealed values.
    static let format: UInt8 = 1

    let key: VaultKey
    let keyID: Data

    init(key: VaultKey) {
        self.key = key
        keyID = key.idBytes
    }

    /// Where a value belongs, authenticated with it.
    static func context(name: String, environment: String, version: Int) -> Data {
        Data("steward-vault-v1\n\(name)\n\(environment)\n\(version)".utf8)
    }

    func seal(_ value: String, name: String, environment: String, version: Int) throws -> Data {
        let box = try AES.GCM.seal(
            Data(value.utf8), using: key.key,
            authenticating: Self.context(name: name, environment: environment, version: version))
        guard let combined = box.combined else {
            throw VaultError(.corrupted, "cannot seal secret \(name): AES-GCM gave no combined box")
        }
        return Data([Self.format]) + keyID + combined
    }

    func open(_ sealed: Data, name: String, environment: String, version: Int) throws -> String {
        let label = "secret \(name)\(environment.isEmpty ? "" : " (\(environment))") version \(version)"
        let bytes = Data(sealed)
        guard bytes.count >= 1 + 8 + 12 + 16, bytes.first == Self.format else {
            throw VaultError(.corrupted, "\(label) is not in the vault's format: the database was altered")
        }
        let storedID = bytes.subdata(in: 1..<9)
        guard storedID == keyID else {
            throw VaultError(
                .wrongKey,
                "\(label) was sealed under vault key \(Hex.string(storedID)), but this control plane holds key "
                    + "\(Hex.string(keyID)): start it with the key the vault was written with "
                    + "(DATA/\(VaultKey.fileName) or \(VaultKey.environmentVariable))")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: bytes.subdata(in: 9..<bytes.count))
            let plain = try AES.GCM.open(
                box, using: key.key, authenticating: Self.context(name: name, environment: environment, version: version))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw VaultError(.corrupted, "\(label) does not decrypt: the stored value was altered or moved")
        }
    }
}
