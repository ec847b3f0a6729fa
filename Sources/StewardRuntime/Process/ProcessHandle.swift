import CStewardSpawn
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process Steward started or adopted, signalled only while it is known to be that process.
///
/// Why: a pid names a process only until it is reaped; afterwards the kernel may give the
/// number to anything. A handle waits for its process on a thread of its own, blocked in the
/// kernel (no polling), and reaps a child itself under the same lock that guards signalling,
/// so no signal ever reaches a process that merely reuses the pid. When the process exits,
/// whatever it started in its process group is killed before the pid is released.
///
/// Create one with ``watchChild(_:)`` right after spawning, or ``adopt(_:environmentEntries:)``
/// for a process an earlier agent started.
public final class ProcessHandle: Sendable {
    /// The process, as recorded.
    public let identity: ProcessIdentity
    /// True for our own child (reaped here, exit code known); false for an adopted process.
    public let isChild: Bool
    private let state = Mutex(State())

    private struct State {
        var exited = false
        var exitCode: Int?
        var pidfd: Int32 = -1
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private init(identity: ProcessIdentity, isChild: Bool, pidfd: Int32) {
        self.identity = identity
        self.isChild = isChild
        state.withLock { $0.pidfd = pidfd }
    }

    public var pid: Int32 { identity.pid }

    /// Starts watching a child this process just spawned (it may already have exited: it stays a
    /// zombie until the watcher reaps it).
    public static func watchChild(_ identity: ProcessIdentity) -> ProcessHandle {
        let handle = ProcessHandle(identity: identity, isChild: true, pidfd: -1)
        handle.startWatcher {
            let pid = identity.pid
            guard steward_wait_exit(pid) == 0 else { return { nil } }
            return {
                // The pid (and with it the group id) is still reserved by the zombie: safe to signal.
                _ = kill(-pid, SIGKILL)
                let code = steward_reap(pid)
                return code >= 0 ? Int(code) : nil
            }
        }
        return handle
    }

    /// Takes over a process an earlier agent started, after checking it is that process.
    ///
    /// - Returns: nil when `identity` no longer names a running process carrying all of
    ///   `environmentEntries` (reused pid, another boot, a process without the marker).
    public static func adopt(_ identity: ProcessIdentity, environmentEntries: [String]) -> ProcessHandle? {
        guard identity.isRunning(withEnvironmentEntries: environmentEntries) else { return nil }
        let pidfd = steward_pidfd_open(identity.pid)
        // Check again now that the pidfd pins the process: the pid may have changed hands in between.
        guard identity.isRunning(withEnvironmentEntries: environmentEntries) else {
            if pidfd >= 0 { close(pidfd) }
            return nil
        }
        let handle = ProcessHandle(identity: identity, isChild: false, pidfd: pidfd)
        handle.startWatcher {
            if pidfd >= 0 {
                _ = steward_wait_readable(pidfd)
            } else {
                // No pidfd (old kernel): not our child, so no wait call works; look once a second.
                while identity.isRunning() { sleep(1) }
            }
            return { nil }
        }
        return handle
    }

    /// True once the process has exited (and, for a child, been reaped).
    public var hasExited: Bool { state.withLock { $0.exited } }

    /// The exit code (128 + signal when a signal ended it); nil while running or for an adopted process.
    public var exitCode: Int? { state.withLock { $0.exitCode } }

    /// Sends `signal` to the process and everything in its process group, unless it has exited.
    public func signalGroup(_ signal: Int32) {
        state.withLock { state in
            guard !state.exited, !Self.pidfdSaysExited(state.pidfd) else { return }
            if kill(-identity.pid, signal) != 0 {
                // The leader may have left its group; signal it alone.
                _ = state.pidfd >= 0 ? steward_pidfd_send_signal(state.pidfd, signal) : kill(identity.pid, signal)
            }
        }
    }

    /// Waits until the process has exited, or until `timeout` passed; cancellation does not end it.
    ///
    /// Used by stops, which must finish (SIGKILL included) even while the agent shuts down.
    /// - Returns: true when it exited.
    public func waitForExit(timeout: Duration) async -> Bool {
        let key = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withCheckedContinuation { continuation in
            guard register(continuation, key: key) else { return }
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + max(seconds, 0)) { [self] in
                resumeWaiter(key, with: false)
            }
        }
    }

    /// Waits until the process has exited; returns false early when the task is cancelled.
    public func exited() async -> Bool {
        let key = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard register(continuation, key: key) else { return }
                if Task.isCancelled { resumeWaiter(key, with: false) }
            }
        } onCancel: {
            resumeWaiter(key, with: false)
        }
    }

    /// Adds a waiter, or resumes it at once when the process already exited. False when resumed.
    private func register(_ continuation: CheckedContinuation<Bool, Never>, key: UInt64) -> Bool {
        let done = state.withLock { state in
            if state.exited { return true }
            state.waiters[key] = continuation
            return false
        }
        if done { continuation.resume(returning: true) }
        return !done
    }

    private func resumeWaiter(_ key: UInt64, with value: Bool) {
        state.withLock { $0.waiters.removeValue(forKey: key) }?.resume(returning: value)
    }

    /// Runs `wait` on a dedicated thread; the closure it returns runs under the lock, then waiters resume.
    private func startWatcher(_ wait: @escaping @Sendable () -> (@Sendable () -> Int?)) {
        let thread = Thread { [self] in
            let finish = wait()
            let waiters = state.withLock { state in
                state.exitCode = finish()
                state.exited = true
                if state.pidfd >= 0 {
                    close(state.pidfd)
                    state.pidfd = -1
                }
                let waiters = Array(state.waiters.values)
                state.waiters = [:]
                return waiters
            }
            for waiter in waiters { waiter.resume(returning: true) }
        }
        thread.name = "steward-wait-\(identity.pid)"
        // It only blocks in the kernel: a small stack keeps hundreds of them cheap.
        thread.stackSize = 128 * 1024
        thread.start()
    }

    /// True when a pidfd reports its process gone (a zero-timeout poll).
    private static func pidfdSaysExited(_ pidfd: Int32) -> Bool {
        guard pidfd >= 0 else { return false }
        var entry = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }
}
