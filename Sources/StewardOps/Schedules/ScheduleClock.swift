import Foundation
import Synchronization

/// The wall clock the scheduler reads and sleeps on: real time in production, a manual one in tests.
///
/// Cron fire times are wall-clock instants, so this is a `Date` clock, not a `Clock` of durations.
public protocol ScheduleClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Suspends until `now() >= deadline`.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(until deadline: Date) async throws
}

/// Real time. A long sleep is taken in pieces of at most ten minutes, each measured again on the
/// wall clock, so a clock set forward or back (NTP, a suspended machine) is noticed within minutes.
public struct SystemScheduleClock: ScheduleClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return }
            try await Task.sleep(for: .milliseconds(Int64(min(remaining, 600) * 1000) + 1))
        }
    }
}

/// Wakes the scheduler early: the stack changed, so its schedules may have.
///
/// One waiter at a time (the scheduler loop). A signal sent while nobody waits is kept for the
/// next wait, so no change is missed between two waits.
final class ScheduleWakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once when one is pending), or when the task is cancelled.
    func wait() async {
        state.withLock { $0.cancelled = false }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.cancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
