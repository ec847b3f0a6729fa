import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process started with `posix_spawn`, waited for with `waitpid` on its own pid.
///
/// Foundation's `Process` is not used for the servers: on Linux it learns that a child exited
/// through a descriptor the child inherits, so a command that leaves a daemon behind (`pg_ctl
/// start`) is never seen to finish. Here the child gets only stdin (/dev/null), stdout and stderr,
/// its own process group, and default signal handling.
struct ChildProcess: Sendable {
    /// The child's process id (also its process group id).
    let pid: pid_t

    /// Starts `arguments[0]` (an absolute path) with the rest as arguments, output appended to `output`.
    static func spawn(_ arguments: [String], output: Int32) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // Nothing of the test process (its listening sockets above all) may live on in a server.
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        var allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let pointers = arguments.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        var pid: pid_t = 0
        let result = pointers.withUnsafeBufferPointer { argv in
            posix_spawn(&pid, arguments[0], &actions, &attributes, argv.baseAddress!, environ)
        }
        guard result == 0 else { throw SystemCallError.failed("starting \(arguments[0])", errno: result) }
        return ChildProcess(pid: pid)
    }

    /// The exit status (128 + signal when a signal ended it) if the child has exited, reaping it; else `nil`.
    func exitStatus() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == 0 { return nil }
        if result == -1 { return errno == EINTR ? nil : -1 }  // not our child any more: gone
        return Self.decode(status)
    }

    /// Waits for the child to exit without blocking a thread. Cancellation kills it (and its group).
    func wait() async -> Int32 {
        var pause = Duration.milliseconds(2)
        while true {
            if let status = exitStatus() { return status }
            if Task.isCancelled {
                kill(-pid, SIGKILL)
                return waitBlocking(timeout: .seconds(5)) ?? -1
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Waits for the child to exit, blocking the thread, at most `timeout`; `nil` when it still runs.
    func waitBlocking(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let status = exitStatus() { return status }
            usleep(5_000)
        }
        return exitStatus()
    }

    /// Ends the child: SIGTERM to its process group, SIGKILL after `grace`, then reaps it.
    func terminate(grace: Duration = .seconds(5)) {
        kill(-pid, SIGTERM)
        if waitBlocking(timeout: grace) != nil { return }
        kill(-pid, SIGKILL)
        _ = waitBlocking(timeout: .seconds(5))
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The descriptors open in this process right now.
    private static func openDescriptors() -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))
            ?? (try? FileManager.default.contentsOfDirectory(atPath: "/dev/fd")) ?? []
        return names.compactMap { Int32($0) }
    }
}
