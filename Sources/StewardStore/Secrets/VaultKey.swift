import Crypto
import Foundation
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 256-bit AES key that seals every value of the secrets vault.
///
/// It comes from the environment variable `STEWARD_VAULT_KEY` (base64) when that is set, else from
/// the file `vault.key` in the control plane's data directory, which is created on first start
/// with mode 0600 and never overwritten. Whoever holds the key can read the vault: keep a copy of
/// it apart from backups of the database, which are useless without it.
public struct VaultKey: Sendable {
    /// The environment variable that may hold the key, base64 encoded.
    public static let environmentVariable = "STEWARD_VAULT_KEY"
    /// The key file's name in the data directory.
    public static let fileName = "vault.key"

    let key: SymmetricKey

    /// A key from 32 raw bytes.
    ///
    /// - Throws: ``VaultError`` `.keyUnavailable` when there are not exactly 32 bytes.
    public init(bytes: some DataProtocol) throws {
        guard bytes.count == 32 else {
            throw VaultError(.keyUnavailable, "a vault key is 32 bytes (256 bits); this one has \(bytes.count)")
        }
        key = SymmetricKey(data: Data(bytes))
    }

    /// A key from its base64 text, as `STEWARD_VAULT_KEY` and `vault.key` hold it.
    ///
    /// - Throws: ``VaultError`` `.keyUnavailable` when the text is not base64 of 32 bytes.
    public init(base64 text: String) throws {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw VaultError(.keyUnavailable, "a vault key is written in base64; this text is not base64")
        }
        try self.init(bytes: bytes)
    }

    /// A new random key.
    public static func generate() -> VaultKey {
        VaultKey(key: SymmetricKey(size: .bits256))
    }

    private init(key: SymmetricKey) { self.key = key }

    /// The key in base64, as it is written to `vault.key`.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// A short public name of the key (16 hex digits): an HMAC of a fixed text, which says which
    /// key sealed a value without revealing anything about the key.
    public var id: String { Hex.string(idBytes) }

    /// The first 8 bytes of HMAC-SHA256("steward vault key id") under the key.
    var idBytes: Data {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("steward vault key id".utf8), using: key)
        return Data(Data(mac).prefix(8))
    }

    /// The key of a control plane: `STEWARD_VAULT_KEY` when set, else `DATA/vault.key`, created
    /// (mode 0600, fsynced, never overwriting) when missing.
    ///
    /// - Parameters:
    ///   - dataDirectory: The control plane's data directory.
    ///   - environment: The process environment.
    /// - Returns: The key and where it came from (for the log).
    /// - Throws: ``VaultError`` `.keyUnavailable` naming the variable or the file.
    public static func load(
        dataDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (key: VaultKey, source: String) {
        if let text = environment[environmentVariable], !text.isEmpty {
            do {
                return (try VaultKey(base64: text), environmentVariable)
            } catch let error as VaultError {
                throw VaultError(.keyUnavailable, "\(environmentVariable) is not a usable key: \(error.message)")
            }
        }
        let path = (dataDirectory as NSString).appendingPathComponent(fileName)
        return (try loadOrCreate(path: path), path)
    }

    /// Reads the key file at `path`, or creates it with a new key when it does not exist.
    ///
    /// - Throws: ``VaultError`` `.keyUnavailable` when the file cannot be read, created or decoded.
    public static func loadOrCreate(path: String) throws -> VaultKey {
        if let data = FileManager.default.contents(atPath: path) {
            return try decodeFile(data, path: path)
        }
        let fresh = generate()
        let bytes = Data((fresh.base64 + "\n").utf8)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            // Another process created it first: use that key.
            if code == EEXIST, let data = FileManager.default.contents(atPath: path) {
                return try decodeFile(data, path: path)
            }
            throw VaultError(.keyUnavailable, "cannot create the vault key \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw VaultError(.keyUnavailable, "cannot write the vault key \(path): \(String(cString: strerror(code)))")
        }
        return fresh
    }

    private static func decodeFile(_ data: Data, path: String) throws -> VaultKey {
        do {
            return try VaultKey(base64: String(decoding: data, as: UTF8.self))
        } catch let error as VaultError {
            throw VaultError(.keyUnavailable, "\(path) is not a usable vault key: \(error.message)")
        }
    }
}
