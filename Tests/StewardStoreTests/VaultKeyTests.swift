import Foundation
import StewardStore
import StewardTesting
import Testing

/// Where the vault key comes from: a 0600 file created once, or `STEWARD_VAULT_KEY`.
struct VaultKeyTests {
    static func mode(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? NSNumber)?.intValue ?? -1
    }

    /// The first start creates `vault.key` with mode 0600; later starts read the same key back.
    @Test func theKeyFileIsCreatedPrivateOnceAndReused() throws {
        let directory = try TemporaryDirectory(prefix: "steward-vault-key")
        defer { directory.remove() }
        let (created, source) = try VaultKey.load(dataDirectory: directory.path, environment: [:])
        let path = directory.path + "/vault.key"
        #expect(source == path)
        #expect(Self.mode(of: path) == 0o600)
        #expect((try String(contentsOfFile: path, encoding: .utf8)) == created.base64 + "\n")
        let (again, _) = try VaultKey.load(dataDirectory: directory.path, environment: [:])
        #expect(again.id == created.id)
        #expect(created.id.count == 16)
    }

    /// `STEWARD_VAULT_KEY` wins over the file, and no file is created then.
    @Test func theEnvironmentVariableWins() throws {
        let directory = try TemporaryDirectory(prefix: "steward-vault-key")
        defer { directory.remove() }
        let key = VaultKey.generate()
        let (loaded, source) = try VaultKey.load(
            dataDirectory: directory.path, environment: ["STEWARD_VAULT_KEY": key.base64])
        #expect(loaded.id == key.id)
        #expect(source == "STEWARD_VAULT_KEY")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/vault.key"))
    }

    /// A key that is not base64 of 32 bytes is refused, naming where it came from.
    @Test func unusableKeysAreRefused() throws {
        let directory = try TemporaryDirectory(prefix: "steward-vault-key")
        defer { directory.remove() }
        let notBase64 = #expect(throws: VaultError.self) {
            try VaultKey.load(dataDirectory: directory.path, environment: ["STEWARD_VAULT_KEY": "not base64!"])
        }
        #expect(notBase64?.code == .keyUnavailable)
        #expect(notBase64?.message == "STEWARD_VAULT_KEY is not a usable key: a vault key is written in base64; this text is not base64")
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        try (short + "\n").write(toFile: directory.path + "/vault.key", atomically: true, encoding: .utf8)
        let error = #expect(throws: VaultError.self) { try VaultKey.load(dataDirectory: directory.path, environment: [:]) }
        #expect(error?.message == "\(directory.path)/vault.key is not a usable vault key: a vault key is 32 bytes (256 bits); this one has 16")
    }
}
