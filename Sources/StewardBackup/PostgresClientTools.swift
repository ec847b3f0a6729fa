import Foundation
import StewardRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Where `pg_dump` and `pg_restore` are, and how they are started: with an environment of
/// their own (nothing inherited), the password only in a private `PGPASSFILE`.
public struct PostgresClientTools: Sendable {
    /// The directory holding `pg_dump` and `pg_restore`.
    public var binaries: String
    /// How long one tool may run before its process group is killed.
    public var timeout: Duration
    /// `pg_restore --jobs`: tables and indexes restored by this many connections at once (1: one).
    public var restoreJobs: Int

    /// The Debian `postgresql-client-15` location by default; the tools must be at least as new as the server.
    public init(
        binaries: String = "/usr/lib/postgresql/15/bin", timeout: Duration = .seconds(6 * 3600), restoreJobs: Int = 2
    ) {
        self.binaries = binaries
        self.timeout = timeout
        self.restoreJobs = max(1, restoreJobs)
    }

    /// `pg_restore`'s arguments for restoring `artifact` (a custom-format file: parallel restore
    /// reads it by seeking, so it needs a file, never a pipe) into `database` of `server`.
    func restoreArguments(artifact: String, database: String, server: PostgresTarget) -> [String] {
        ["--no-owner", "--exit-on-error"] + (restoreJobs > 1 ? ["--jobs=\(restoreJobs)"] : [])
            + ["--dbname", database] + server.clientArguments + [artifact]
    }

    /// The child's complete environment. `PGPASSFILE` points at a 0600 file in `directory`
    /// when the target has a password: libpq reads it there, and it is in no argv, no log and
    /// no environment a `ps e` of another user could show.
    func environment(for target: PostgresTarget, in directory: PrivateDirectory) throws -> [String: String] {
        var environment = [
            "PATH": "/usr/bin:/bin", "PGAPPNAME": "steward-backup", "PGCONNECT_TIMEOUT": "15", "LC_ALL": "C",
            // An empty service file and no ~/.pgpass: only what this call passes is used.
            "PGSYSCONFDIR": directory.path,
        ]
        if let password = target.password {
            environment["PGPASSFILE"] = try directory.write("pgpass", Self.passFileLine(target, password: password))
        } else {
            environment["PGPASSFILE"] = "/dev/null"
        }
        return environment
    }

    /// One `.pgpass` line for any database of this server and user (`:` and `\` escaped as libpq expects).
    static func passFileLine(_ target: PostgresTarget, password: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ":", with: "\\:")
        }
        return "\(escape(target.host)):\(target.port):*:\(escape(target.user)):\(escape(password))\n"
    }

    /// Runs `tool` to its end with stdout and stderr in a 0600 file of `directory`.
    /// - Returns: the exit code and the last lines of its output.
    func run(
        _ tool: String, _ arguments: [String], environment: [String: String], directory: PrivateDirectory
    ) async throws -> (status: Int, output: String) {
        let log = "\(directory.path)/\(tool).log"
        let process: ProcessHandle
        do {
            process = try ProcessControl.spawn(
                executable: "\(binaries)/\(tool)", arguments: arguments, environment: environment, directory: nil,
                logPath: log)
        } catch {
            throw BackupError(.failed, "\(error)")
        }
        let finished = await withTaskCancellationHandler {
            await process.waitForExit(timeout: timeout)
        } onCancel: {
            process.signalGroup(SIGKILL)
        }
        if !finished {
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
            throw BackupError(.failed, "\(tool) did not finish within \(timeout); it was killed")
        }
        return (process.exitCode ?? -1, Self.tail(of: log))
    }

    /// The last 2 KB of a tool's output, for an error message.
    static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(2048), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
