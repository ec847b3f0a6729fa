import Foundation

/// A restored cluster running beside the live one, on a port of its own.
///
/// It is a separate server: inspect it, copy data out of it, or make it the new primary by
/// hand. ``stop()`` stops it; its data directory stays.
public struct RestoredCluster: Sendable, Equatable {
    /// Its data directory.
    public var dataDirectory: String
    /// The TCP port and socket number it listens on.
    public var port: Int
    /// The directory of its unix socket.
    public var socketDirectory: String
    /// The user it runs as (`nil`: Steward's own).
    public var systemUser: String?
    /// Where `pg_ctl` is.
    public var postgresBinaries: String

    public init(dataDirectory: String, port: Int, socketDirectory: String, systemUser: String?, postgresBinaries: String) {
        self.dataDirectory = dataDirectory
        self.port = port
        self.socketDirectory = socketDirectory
        self.systemUser = systemUser
        self.postgresBinaries = postgresBinaries
    }

    /// Stops the server (`pg_ctl stop -m fast`), waiting until it is down.
    /// - Throws: ``BackupError`` (`failed`) with pg_ctl's output when it does not stop.
    public func stop() async throws {
        let output = try await ClusterCommand(systemUser: systemUser, environment: ["PATH": "/usr/bin:/bin", "LC_ALL": "C"], timeout: .seconds(120))
            .run("\(postgresBinaries)/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
        guard output.status == 0 else {
            throw BackupError(.failed, "pg_ctl stop of \(dataDirectory) failed (exit \(output.status)): \(output.stderr)")
        }
    }
}
