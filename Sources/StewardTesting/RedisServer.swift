import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real `redis-server` for one test, on a free port of 127.0.0.1, with persistence off.
///
/// ```swift
/// let redis = try await RedisServer.start(password: "s3cret")
/// defer { redis.stop() }
/// ```
///
/// It is also stopped when the last reference goes away, but `defer` makes the moment explicit.
public final class RedisServer: Sendable {
    /// Where the Debian `redis-server` package installs the server.
    static let executable = "/usr/bin/redis-server"

    /// The TCP port it listens on (127.0.0.1).
    public let port: Int
    /// The password clients must send with `AUTH`, when one was set.
    public let password: String?
    /// The server's temporary working directory (its log is `redis.log` inside).
    public let directory: String
    private let server: ServerProcess

    /// `redis://127.0.0.1:PORT`, or `redis://:PASSWORD@127.0.0.1:PORT` when a password is set.
    public var url: String {
        guard let password else { return "redis://127.0.0.1:\(port)" }
        let escaped = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password
        return "redis://:\(escaped)@127.0.0.1:\(port)"
    }

    private init(port: Int, password: String?, directory: String, process: ChildProcess) {
        self.port = port
        self.password = password
        self.directory = directory
        self.server = ServerProcess(process, directory: directory)
    }

    deinit { stop() }

    /// Starts `redis-server` (with `requirepass` when `password` is given) and returns once it answers `PING`.
    ///
    /// - Throws: when the server is not installed, exits, or does not answer within 10 seconds.
    public static func start(password: String? = nil) async throws -> RedisServer {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw CommandFailed(command: [executable], status: -1, output: "redis-server is not installed")
        }
        let temporary = try TemporaryDirectory(prefix: "steward-redis")
        var lastError: (any Error)?
        // A free port can be taken between choosing and binding it; try a few.
        for _ in 0..<3 {
            let port = try FreePort.next()
            var arguments = [executable, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--port", "\(port)",
                             "--dir", temporary.path, "--logfile", "\(temporary.path)/redis.log", "--daemonize", "no"]
            if let password { arguments += ["--requirepass", password] }
            do {
                let output = try OutputFile()
                defer { output.close() }
                let child = try ChildProcess.spawn(arguments, output: output.descriptor)
                do {
                    try await eventually(timeout: .seconds(10), pollEvery: .milliseconds(20), "redis-server on port \(port) answers PING") {
                        if let status = child.exitStatus() { throw ServerExited(status: status) }
                        let reply = try LineClient.exchange(port: port, request: "PING\r\n")
                        // With requirepass an unauthenticated PING is refused, which still proves it serves.
                        return reply.hasPrefix("+PONG") || reply.hasPrefix("-NOAUTH")
                    }
                } catch {
                    child.terminate(grace: .seconds(1))
                    throw error
                }
                return RedisServer(port: port, password: password, directory: temporary.path, process: child)
            } catch {
                let log = (try? String(contentsOfFile: "\(temporary.path)/redis.log", encoding: .utf8)) ?? ""
                lastError = CommandFailed(command: arguments, status: -1, output: "\(error)\n\(log)")
            }
        }
        temporary.remove()
        throw lastError!
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 seconds), reaps it and deletes its directory.
    /// Safe to call twice.
    public func stop() { server.stop() }
}
