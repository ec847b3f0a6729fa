import Foundation
import StewardHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxy's state directory (0700): its admin token (`proxy.token`) and its table (`routes.json`), both 0600.
public struct ProxyStateDirectory: Sendable {
    public let path: String

    /// Creates the directory if needed and makes it 0700.
    public init(path: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
        self.path = path
    }

    public var tokenPath: String { path + "/proxy.token" }
    public var tablePath: String { path + "/routes.json" }

    /// Reads the admin token, creating a random one on first start.
    ///
    /// - Throws: when the token cannot be written: a token that never reached its file would lock
    ///   the control plane out.
    public func loadOrCreateToken() throws -> String {
        if let existing = try? String(contentsOfFile: tokenPath, encoding: .utf8), !existing.isEmpty {
            chmod(tokenPath, 0o600)
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let token = TokenHash.mint()
        try writeDurably(Data(token.utf8), to: tokenPath)
        return token
    }

    /// The table saved by the last accepted `PUT /v1/routes`; empty on first start.
    ///
    /// - Throws: when the file exists but cannot be read or decoded: routing from a guess is worse than not starting.
    public func loadTable() throws -> RouteTable {
        guard FileManager.default.fileExists(atPath: tablePath) else { return RouteTable() }
        let data = try Data(contentsOf: URL(fileURLWithPath: tablePath))
        return try JSONDecoder().decode(RouteTable.self, from: data)
    }

    /// Saves `table` durably: a 0600 temporary file, fsync, rename, fsync of the directory.
    public func save(_ table: RouteTable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeDurably(try encoder.encode(table), to: tablePath)
    }

    private func writeDurably(_ data: Data, to target: String) throws {
        let temporary = target + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(path: target, operation: "open", code: errno) }
        defer { unlink(temporary) }
        fchmod(descriptor, 0o600)
        let written = data.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == data.count, synced == 0 else { throw Failure(path: target, operation: "write", code: errno) }
        guard rename(temporary, target) == 0 else { throw Failure(path: target, operation: "rename", code: errno) }
        // The rename itself is durable only once the directory is synced.
        let directory = open(path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var path: String
        var operation: String
        var code: Int32
        var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
    }
}
