import CStewardSpawn
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starting, signalling and inspecting operating-system processes.
///
/// The functions here are the only place Steward touches pids, so the rules live in one
/// spot: instances run in their own process group, are signalled as a group, and are
/// recognised by their start time so a reused pid is never mistaken for an instance.
public enum ProcessControl {
    /// A started process.
    public struct Started: Sendable, Equatable, Codable {
        public var pid: Int32
        /// Kernel start time in clock ticks (`/proc/PID/stat` field 22): pid plus this is unique.
        public var startTicks: UInt64
    }

    /// A failure to start a process, naming the executable and the reason.
    public struct SpawnError: Error, CustomStringConvertible {
        public var command: String
        public var reason: String
        public var description: String { "cannot start '\(command)': \(reason)" }
    }

    /// Starts a process in a new process group with output appended to `logPath`.
    ///
    /// - Parameters:
    ///   - executable: an absolute path, a path relative to `directory`, or a name looked up in `PATH`.
    ///   - environment: the complete environment of the child (nothing is inherited).
    /// - Returns: the pid and start time.
    /// - Throws: ``SpawnError`` when the executable is missing or cannot run.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String?,
        logPath: String
    ) throws -> Started {
        guard let path = resolveExecutable(executable, directory: directory, searchPath: environment["PATH"]) else {
            throw SpawnError(command: executable, reason: "no such executable (checked the path and PATH)")
        }
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw SpawnError(command: executable, reason: "cannot open log \(logPath): \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }

        let argv = [path] + arguments
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let result = withCStrings(argv) { argvPointer in
            withCStrings(envp) { envpPointer in
                steward_spawn(path, argvPointer, envpPointer, directory, logFD, logFD, &pid)
            }
        }
        guard result == 0 else {
            throw SpawnError(command: executable, reason: String(cString: strerror(result)))
        }
        return Started(pid: pid, startTicks: startTicks(of: pid) ?? 0)
    }

    /// The kernel start time of `pid`, or nil when no such process exists.
    public static func startTicks(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name start at field 3 (state); start time is field 22.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// True when `started` still names a running process (not a zombie, not a reused pid).
    public static func isRunning(_ started: Started) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(started.pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return false }
        return UInt64(fields[19]) == started.startTicks
    }

    /// Reaps `pid` if it is our child and has exited.
    ///
    /// - Returns: the exit code (128 + signal when signalled), or nil while it runs or when
    ///   it is not our child (an adopted process is reaped by init instead).
    public static func reapIfExited(_ pid: Int32) -> Int? {
        var status: Int32 = 0
        guard steward_try_wait(pid, &status) == 1 else { return nil }
        return Int(steward_exit_code(status))
    }

    /// Sends `signal` to the whole process group led by `pid`.
    public static func signalGroup(_ pid: Int32, _ signal: Int32) {
        if kill(-pid, signal) != 0 {
            // The leader may have left its group; signal it alone.
            _ = kill(pid, signal)
        }
    }

    /// True when any process remains in the group led by `pid`.
    public static func groupExists(_ pid: Int32) -> Bool {
        kill(-pid, 0) == 0
    }

    /// The pids of processes whose environment contains `marker` (a `KEY=VALUE` string).
    ///
    /// Used after a crash to find instances nobody recorded: every instance carries its
    /// agent's marker in its environment, and so does everything it starts.
    public static func processes(withEnvironmentEntry marker: String) -> [(pid: Int32, group: Int32)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let needle = Array(marker.utf8)
        var found: [(Int32, Int32)] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ")
            else { continue }
            let matches = data.split(separator: 0).contains { Array($0) == needle }
            if matches { found.append((pid, getpgid(pid))) }
        }
        return found
    }

    static func resolveExecutable(_ name: String, directory: String?, searchPath: String?) -> String? {
        let fileManager = FileManager.default
        if name.contains("/") {
            let path = name.hasPrefix("/") ? name : ((directory ?? fileManager.currentDirectoryPath) + "/" + name)
            return fileManager.isExecutableFile(atPath: path) ? path : nil
        }
        let path = searchPath ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
