import Foundation
import PostgresNIO
#if canImport(Glibc)
import Glibc
#endif

extension PgBackRestDriver {
    /// Starts a restored cluster on `port` and waits until recovery reached the target and it was
    /// promoted (it then accepts writes).
    ///
    /// The port, the socket directory and `listen_addresses = '127.0.0.1'` are appended to the
    /// copy's `postgresql.auto.conf` (later lines win), so the copy never competes with the live
    /// cluster for its port. The server's log is `DATA/steward-restore.log`.
    ///
    /// - Parameters:
    ///   - port: a free port; the live cluster's is refused.
    ///   - socketDirectory: where its socket goes; the live cluster's socket directory by default
    ///     (socket names carry the port, so they do not collide).
    ///   - timeout: how long replaying WAL and promoting may take.
    /// - Throws: ``BackupError`` (`failed`) with the end of the server's log when it does not start
    ///   or recovery does not finish in time.
    public func start(
        _ restore: PgBackRestRestore, port: Int, socketDirectory: String? = nil, timeout: Duration = .seconds(600)
    ) async throws -> RestoredCluster {
        let cluster = try configuration.cluster(restore.stanza)
        guard port != cluster.port, (1...65535).contains(port) else {
            throw BackupError(.invalid, "port \(port) for the restored cluster: expected a free port other than the live cluster's \(cluster.port)")
        }
        let sockets = socketDirectory ?? cluster.socketDirectory
        if let problem = PgBackRestConfiguration.pathProblem(sockets) { throw BackupError(.invalid, "socket directory \(problem)") }
        let data = restore.dataDirectory
        let settings = """

            # Added by Steward: the restored copy runs beside the live cluster.
            port = \(port)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(sockets)'

            """
        try Self.append(settings, to: "\(data)/postgresql.auto.conf")
        let log = "\(data)/steward-restore.log"
        let restored = RestoredCluster(
            dataDirectory: data, port: port, socketDirectory: sockets, systemUser: cluster.systemUser,
            postgresBinaries: postgresBinaries)
        let seconds = max(1, Int(timeout.components.seconds))
        let output = try await ClusterCommand(
            systemUser: cluster.systemUser, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"], timeout: timeout + .seconds(30)
        ).run("\(postgresBinaries)/pg_ctl", ["-D", data, "-l", log, "-w", "-t", String(seconds), "start"])
        guard output.status == 0 else {
            throw BackupError(.failed, "the restored cluster in \(data) did not start (exit \(output.status)): \(PostgresClientTools.tail(of: log))")
        }
        do {
            try await waitForPromotion(restored, cluster: cluster, timeout: timeout, log: log)
        } catch {
            try? await restored.stop()
            throw error
        }
        return restored
    }

    /// Polls `pg_is_in_recovery()` until it is false (recovery reached the target and promoted) or the deadline passes.
    private func waitForPromotion(_ restored: RestoredCluster, cluster: PgBackRestCluster, timeout: Duration, log: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var last = "not asked yet"
        while clock.now < deadline {
            do {
                let inRecovery = try await BackupSQL.with(
                    socketConfiguration(cluster, port: restored.port, socketDirectory: restored.socketDirectory),
                    describedAs: "the restored cluster on port \(restored.port)", logger: logger, closeAfter: .seconds(30)
                ) { sql in try await sql.value("SELECT pg_is_in_recovery()::text") }
                if inRecovery == "false" { return }
                last = "still in recovery"
            } catch let error as BackupError {
                last = error.message
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BackupError(
            .failed,
            "the restored cluster in \(restored.dataDirectory) was not promoted within \(timeout) (\(last)): \(PostgresClientTools.tail(of: log))")
    }

    /// Appends `text` to an existing file.
    static func append(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(.failed, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try FileDescriptorIO.writeAll(fd, Array(text.utf8), path: path)
    }
}
