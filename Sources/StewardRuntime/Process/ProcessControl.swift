import CStewardSpawn
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starting, signalling and inspecting operating-system processes.
///
/// The functions here are the only place Steward touches pids, so the rules live in one
/// spot: instances run in their own process group, are signalled as a group through their
/// ``ProcessHandle`` (never by a bare pid once reaped), and are recognised by their
/// ``ProcessIdentity`` (boot, start time, marker) so a reused pid is never mistaken for an instance.
public enum ProcessControl {
    /// A failure to start a process, naming the executable and the reason.
    public struct SpawnError: Error, CustomStringConvertible {
        public var command: String
        public var reason: String
        public var description: String { "cannot start '\(command)': \(reason)" }
    }

    /// Starts a process in a new process group with output appended to `logPath` (mode 0600).
    ///
    /// - Parameters:
    ///   - executable: an absolute path, a path relative to `directory`, or a name looked up in `PATH`.
    ///   - environment: the complete environment of the child (nothing is inherited).
    /// - Returns: a handle that already watches the child, so its exit is noticed and it is reaped.
    /// - Throws: ``SpawnError`` when the executable is missing or cannot run.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String?,
        logPath: String
    ) throws -> ProcessHandle {
        guard let path = resolveExecutable(executable, directory: directory, searchPath: environment["PATH"]) else {
            throw SpawnError(command: executable, reason: "no such executable (checked the path and PATH)")
        }
        // The log may hold anything the instance prints, secrets included: owner only.
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard logFD >= 0 else {
            throw SpawnError(command: executable, reason: "cannot open log \(logPath): \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }
        _ = fchmod(logFD, 0o600)

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
        // Until the watcher reaps it, the child (even a zombie) keeps its /proc entry: the start time is readable.
        return ProcessHandle.watchChild(ProcessIdentity(pid: pid, startTicks: ProcessIdentity.startTicks(of: pid) ?? 0))
    }

    /// The running processes (zombies excluded) whose environment contains `marker` (a `KEY=VALUE` string).
    ///
    /// Used after a crash to find instances nobody recorded: every instance carries its
    /// agent's marker in its environment, and so does everything it starts.
    public static func processes(withEnvironmentEntry marker: String) -> [(identity: ProcessIdentity, group: Int32)] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        let needle = Array(marker.utf8)
        var found: [(ProcessIdentity, Int32)] = []
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                data.split(separator: 0).contains(where: { Array($0) == needle })
                    || (data.isEmpty && ProcessIdentity.environmentEntries(of: pid)?.contains(marker) == true),
                let fields = ProcessIdentity.statFields(pid), fields.count > 19, fields[0] != "Z", fields[0] != "X",
                let ticks = UInt64(fields[19])
            else { continue }
            found.append((ProcessIdentity(pid: pid, startTicks: ticks), getpgid(pid)))
        }
        return found
    }

    /// Kills one process found by ``processes(withEnvironmentEntry:)``, with its group, after
    /// checking that the pid still names that process and that it still carries `marker`.
    public static func kill(_ identity: ProcessIdentity, group: Int32, carrying marker: String) {
        guard identity.isRunning(withEnvironmentEntries: [marker]) else { return }
        if group > 1, group == identity.pid { _ = Glibc.kill(-group, SIGKILL) }
        _ = Glibc.kill(identity.pid, SIGKILL)
    }

    /// Waits (up to `timeout`) until no running process is left in process group `group`.
    ///
    /// After the leader is gone, the rest of its group dies asynchronously; a stop answers only
    /// once they are gone too. Reads `/proc` only: nothing is signalled here.
    /// - Returns: true when the group is empty.
    @discardableResult
    public static func waitForGroupToEnd(_ group: Int32, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if !groupHasRunningMembers(group) { return true }
            if ContinuousClock.now >= deadline { return false }
            // Bounded and only while a stop is finishing: a few milliseconds in practice. A stop
            // also runs during shutdown, when the task is cancelled and cannot sleep.
            do { try await Task.sleep(for: .milliseconds(2)) } catch { usleep(2_000) }
        }
    }

    /// True when some process other than a zombie has process group `group`.
    static func groupHasRunningMembers(_ group: Int32) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for entry in entries {
            guard let pid = Int32(entry), let fields = ProcessIdentity.statFields(pid), fields.count > 2,
                fields[0] != "Z", fields[0] != "X", Int32(fields[2]) == group
            else { continue }
            return true
        }
        return false
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
