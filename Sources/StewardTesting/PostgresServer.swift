import Foundation
import Synchronization

/// A real PostgreSQL 15 server for one test, in a temporary directory on a free port.
///
/// It listens on 127.0.0.1 only, keeps its unix socket in its own directory, trusts every
/// local connection (user `postgres`, no password) unless started with a password, and runs
/// with `fsync=off`. Always stop it:
///
/// ```swift
/// let postgres = try await PostgresServer.start()
/// defer { postgres.stop() }
/// ```
///
/// It is also stopped when the last reference goes away, but `defer` makes the moment explicit.
public final class PostgresServer: Sendable {
    /// Where the Debian `postgresql-15` package installs `initdb` and `pg_ctl`.
    static let binaries = "/usr/lib/postgresql/15/bin"

    /// The TCP port it listens on (127.0.0.1).
    public let port: Int
    /// The server's temporary directory: the data directory, the socket and the log are inside.
    public let directory: String
    /// The password of user `postgres` over TCP, when one was set.
    public let password: String?
    /// The user the server runs as when tests run as root.
    private let user: String?
    /// The operating-system user that owns the data directory and runs the server (`nil`: the tests' own user).
    public var systemUser: String? { user }
    /// The data directory (`DIRECTORY/data`).
    public var dataDirectory: String { "\(directory)/data" }
    /// The directory of its unix socket (the server's temporary directory).
    public var socketDirectory: String { directory }
    private let stopped = Mutex(false)

    /// `postgres://postgres@127.0.0.1:PORT/postgres`, or `postgres://postgres:PASSWORD@…` when a password is set.
    public var url: String {
        guard let password else { return "postgres://postgres@127.0.0.1:\(port)/postgres" }
        let escaped = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password
        return "postgres://postgres:\(escaped)@127.0.0.1:\(port)/postgres"
    }

    private init(port: Int, directory: String, user: String?, password: String?) {
        self.port = port
        self.directory = directory
        self.user = user
        self.password = password
    }

    deinit { stop() }

    /// Creates a cluster with `initdb` and starts it with `pg_ctl -w`, which returns once it accepts connections.
    ///
    /// - Parameter password: when given, TCP connections must authenticate with it (SCRAM-SHA-256);
    ///   the unix socket stays trusted.
    /// - Throws: ``CommandFailed`` with the server's log when it cannot be created or started.
    public static func start(password: String? = nil) async throws -> PostgresServer {
        let temporary = try TemporaryDirectory(prefix: "steward-postgres")
        do {
            let user = try await ServerUser.name()
            var authentication = ["--auth=trust"]
            let passwordFile = temporary.path + "/password"
            if let password {
                try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
                authentication = ["--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=\(passwordFile)"]
            }
            try await ServerUser.handOver(temporary.path, to: user)
            let data = temporary.path + "/data"
            try await CommandRunner.check(
                ServerUser.command(
                    ["\(binaries)/initdb", "-D", data, "-U", "postgres"] + authentication
                        + ["--no-sync", "--encoding=UTF8", "--locale=C"],
                    as: user),
                in: temporary.path)
            try? FileManager.default.removeItem(atPath: passwordFile)
            // A free port can be taken between choosing and binding it; try a few.
            var lastError: (any Error)?
            for _ in 0..<3 {
                let port = try FreePort.next()
                try configure(data: data, socketDirectory: temporary.path, port: port)
                let outcome = try await CommandRunner.run(
                    ServerUser.command(
                        ["\(binaries)/pg_ctl", "-D", data, "-l", "\(temporary.path)/postgres.log", "-w", "-t", "60",
                         "start"],
                        as: user),
                    in: temporary.path)
                if outcome.status == 0 {
                    return PostgresServer(port: port, directory: temporary.path, user: user, password: password)
                }
                let log = (try? String(contentsOfFile: "\(temporary.path)/postgres.log", encoding: .utf8)) ?? ""
                lastError = CommandFailed(
                    command: ["pg_ctl", "start", "-D", data], status: outcome.status, output: outcome.output + log)
                _ = try? await CommandRunner.run(
                    ServerUser.command(["\(binaries)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], as: user),
                    in: temporary.path)
            }
            throw lastError!
        } catch {
            temporary.remove()
            throw error
        }
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`) and deletes its directory. Safe to call twice.
    public func stop() {
        let wasStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !wasStopped else { return }
        CommandRunner.runBlocking(
            ServerUser.command(
                ["\(Self.binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"], as: user),
            in: directory)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes the settings that make the server local-only and fast; later lines win in postgresql.conf.
    private static func configure(data: String, socketDirectory: String, port: Int) throws {
        let settings = """

            # steward test server
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(socketDirectory)'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            max_connections = 50
            shared_buffers = 16MB

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(data)/postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }
}
