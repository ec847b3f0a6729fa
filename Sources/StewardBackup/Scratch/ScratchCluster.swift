import Foundation
import StewardCore
import StewardRuntime
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for a disaster-recovery drill: `initdb` into a private
/// directory, started on a free loopback port, stopped and deleted afterwards.
///
/// - Its directory is `TMPDIR/steward-drill-ID` (0700), named before it exists so the drill can
///   record it first and a restarted control plane can remove it (``remove(directory:)``).
/// - It listens on 127.0.0.1 only; its socket is inside the directory. TCP logins need the
///   superuser `postgres`'s password: random, handed to `initdb` in a 0600 file deleted right
///   after, kept only in this value (``url(database:)``), never in argv or a log.
/// - PostgreSQL refuses to run as root: a control plane running as root runs `initdb` and
///   `pg_ctl` as the `postgres` user (`runuser`), which then owns the directory.
public struct ScratchCluster: Sendable {
    /// The cluster's directory (data in `data/`, the socket and `postgres.log` beside it).
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The directory of `initdb` and `pg_ctl`.
    public let binaries: String
    let password: String
    let user: String?

    /// The directory a drill's cluster lives in: `TMPDIR/steward-drill-ID`.
    public static func directory(forDrill id: String) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return "\(base)/steward-drill-\(id)"
    }

    /// `postgres://postgres:PASSWORD@127.0.0.1:PORT/DATABASE`: for the restore and the drill's instances only.
    public func url(database: String) -> String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = "postgres"
        components.password = password
        components.host = "127.0.0.1"
        components.port = port
        components.path = "/" + database
        return components.string ?? ""
    }

    /// The password, so a caller can mask it in anything it records.
    public var secret: String { password }

    /// Creates the cluster in `directory` (which must not exist) and starts it.
    ///
    /// - Throws: ``BackupError`` `.failed` with the server's own words when a step fails; the
    ///   directory is then removed again.
    public static func create(at directory: String, binaries: String? = nil) async throws -> ScratchCluster {
        let binaries = try binaries ?? PostgresServerBinaries.locate()
        let user = try serverUser()
        guard mkdir(directory, 0o700) == 0 else {
            throw BackupError(.failed, "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        do {
            let owner = try user.map(owner(named:))
            if let owner { _ = chown(directory, owner.uid, owner.gid) }
            let password = Hex.random(bytes: 24)
            let passwordFile = "\(directory)/pwfile"
            try writePrivate(passwordFile, password + "\n", owner: owner)
            let initdb = await run(
                ["\(binaries)/initdb", "-D", "\(directory)/data", "-U", "postgres", "--auth-local=trust",
                 "--auth-host=scram-sha-256", "--pwfile=\(passwordFile)", "--encoding=UTF8", "--locale=C"],
                as: user, timeout: .seconds(120))
            unlink(passwordFile)
            guard initdb.succeeded else { throw BackupError(.failed, "initdb failed: \(initdb.output.suffix(600))") }
            var lastOutput = ""
            // A free port can be taken between choosing and binding it; try a few.
            for _ in 0..<3 {
                let port = try FreeLoopbackPort.next()
                try configure(directory: directory, port: port)
                let started = await run(
                    ["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/postgres.log", "-w", "-t", "60", "start"],
                    as: user, timeout: .seconds(90))
                if started.succeeded {
                    return ScratchCluster(directory: directory, port: port, binaries: binaries, password: password, user: user)
                }
                lastOutput = started.output + " " + (String(PostgresClientTools.tail(of: "\(directory)/postgres.log").suffix(600)))
                _ = await run(["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"], as: user, timeout: .seconds(30))
            }
            throw BackupError(.failed, "the scratch cluster did not start: \(lastOutput.suffix(800))")
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// Stops the cluster and deletes its directory.
    /// - Returns: what was done, one line each, for the drill's report.
    public func stop() async -> [String] {
        await Self.remove(directory: directory, binaries: binaries)
    }

    /// Stops whatever cluster runs in `directory` and deletes the directory: the teardown, and the
    /// clean-up of a drill a crash interrupted. Only `steward-drill-*` directories are touched.
    /// - Returns: what was done (or could not be), one line each.
    public static func remove(directory: String, binaries: String? = nil) async -> [String] {
        guard (directory as NSString).lastPathComponent.hasPrefix("steward-drill-"), !directory.contains("/../") else {
            return ["refused to remove \(directory): not a drill cluster directory"]
        }
        guard FileManager.default.fileExists(atPath: directory) else { return ["cluster directory \(directory) was already gone"] }
        var done = [String]()
        if FileManager.default.fileExists(atPath: "\(directory)/data/postmaster.pid") {
            let user = try? serverUser()
            if let binaries = try? binaries ?? PostgresServerBinaries.locate() {
                var stopped = await run(
                    ["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "fast", "-w", "-t", "30", "stop"], as: user,
                    timeout: .seconds(45))
                if !stopped.succeeded {
                    stopped = await run(
                        ["\(binaries)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "stop"], as: user,
                        timeout: .seconds(30))
                }
                done.append(stopped.succeeded ? "scratch cluster stopped" : "scratch cluster stop failed: \(stopped.output.suffix(300))")
            }
        }
        do {
            try FileManager.default.removeItem(atPath: directory)
            done.append("cluster directory \(directory) deleted")
        } catch {
            done.append("cluster directory \(directory) NOT deleted: \(error)")
        }
        return done
    }

    // MARK: Helpers

    /// The user to run the server as: nil unless this process is root, then `postgres`.
    static func serverUser() throws -> String? {
        guard getuid() == 0 else { return nil }
        guard getpwnam("postgres") != nil else {
            throw BackupError(
                .failed,
                "PostgreSQL refuses to run as root and there is no `postgres` user to run the scratch cluster as; "
                    + "create one or run the control plane as another user")
        }
        return "postgres"
    }

    private static func owner(named user: String) throws -> (uid: uid_t, gid: gid_t) {
        guard let entry = getpwnam(user) else { throw BackupError(.failed, "no user \(user)") }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private static func writePrivate(_ path: String, _ text: String, owner: (uid: uid_t, gid: gid_t)?) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(.failed, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if let owner { _ = fchown(fd, owner.uid, owner.gid) }
        try FileDescriptorIO.writeAll(fd, Array(text.utf8), path: path)
    }

    /// Local-only settings; later lines win in postgresql.conf.
    private static func configure(directory: String, port: Int) throws {
        let settings = """

            # steward drill cluster
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(directory)'

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/data/postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }

    /// Runs a server program (as `user` when given) with a minimal environment.
    private static func run(_ argv: [String], as user: String?, timeout: Duration) async -> RunbookStepResult {
        let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--"] + argv } ?? argv
        return await RunbookStepRunner().command(
            command, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"], workingDirectory: "/", timeout: timeout)
    }
}
