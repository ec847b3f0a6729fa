import CStewardSpawn
import Foundation
import StewardRuntime
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program (pgBackRest, `pg_ctl`) as the operating-system user that owns a cluster, with
/// an environment of its own, stdout and stderr in separate 0600 files of a private directory.
///
/// stdout stays clean for output Steward parses (`info --output=json`); stderr holds the program's
/// own error, which goes into the ``BackupError`` when it fails.
struct ClusterCommand {
    /// What a finished command printed.
    struct Output {
        var status: Int
        var stdout: Data
        var stderr: String
    }

    /// The user to run as, `nil` for Steward's own.
    var systemUser: String?
    /// The child's complete environment (nothing is inherited).
    var environment: [String: String]
    /// How long the command may run before its process group is killed.
    var timeout: Duration

    /// Runs `executable` with `arguments` to its end.
    /// - Throws: ``BackupError`` when it cannot start or runs past the timeout; a non-zero exit is
    ///   returned, not thrown, so the caller can phrase it.
    func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw BackupError(.failed, "\(executable) is not installed (or not executable)")
        }
        let argv = try Self.userPrefix(systemUser) + [executable] + arguments
        let directory = try PrivateDirectory()
        defer { directory.remove() }
        let stdoutPath = "\(directory.path)/stdout", stderrPath = "\(directory.path)/stderr"
        let stdoutFD = open(stdoutPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let stderrFD = open(stderrPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        defer {
            if stdoutFD >= 0 { close(stdoutFD) }
            if stderrFD >= 0 { close(stderrFD) }
        }
        guard stdoutFD >= 0, stderrFD >= 0 else {
            throw BackupError(.failed, "cannot create output files in \(directory.path): \(String(cString: strerror(errno)))")
        }
        var pid: pid_t = 0
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let spawned = Self.withCStrings(argv) { argvPointer in
            Self.withCStrings(envp) { envpPointer in
                steward_spawn(argv[0], argvPointer, envpPointer, nil, stdoutFD, stderrFD, &pid)
            }
        }
        guard spawned == 0 else {
            throw BackupError(.failed, "cannot start \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        let process = ProcessHandle.watchChild(
            ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid) ?? 0))
        let finished = await withTaskCancellationHandler {
            await process.waitForExit(timeout: timeout)
        } onCancel: {
            process.signalGroup(SIGKILL)
        }
        if !finished {
            process.signalGroup(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
            throw BackupError(.failed, "\(executable) \(arguments.last ?? "") did not finish within \(timeout); it was killed")
        }
        try Task.checkCancellation()
        let stdout = FileManager.default.contents(atPath: stdoutPath) ?? Data()
        let stderr = String(decoding: (FileManager.default.contents(atPath: stderrPath) ?? Data()).suffix(4096), as: UTF8.self)
        return Output(
            status: process.exitCode ?? -1, stdout: stdout,
            stderr: stderr.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `runuser -u USER --` when Steward runs as root and the cluster belongs to another user.
    /// - Throws: ``BackupError`` (`refused`) when Steward is neither root nor that user: pgBackRest
    ///   would then write files the server cannot read.
    static func userPrefix(_ systemUser: String?) throws -> [String] {
        guard let systemUser else { return [] }
        let current = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
        if current == systemUser { return [] }
        guard geteuid() == 0 else {
            throw BackupError(
                .refused,
                "pgbackrest must run as \(systemUser), the owner of the cluster; Steward runs as \(current ?? "uid \(geteuid())"): run it as \(systemUser) or as root")
        }
        guard getpwnam(systemUser) != nil else { throw BackupError(.invalid, "no system user '\(systemUser)' on this machine") }
        return ["/usr/sbin/runuser", "-u", systemUser, "--"]
    }

    /// Gives `path` to `systemUser` (when Steward runs as root and there is one).
    static func handOver(_ path: String, to systemUser: String?) throws {
        guard let systemUser, geteuid() == 0 else { return }
        guard let entry = getpwnam(systemUser) else { throw BackupError(.invalid, "no system user '\(systemUser)' on this machine") }
        guard chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
            throw BackupError(.failed, "cannot give \(path) to \(systemUser): \(String(cString: strerror(errno)))")
        }
    }

    /// NUL-terminated C strings for the duration of `body`.
    private static func withCStrings<Result>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
    ) -> Result {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
