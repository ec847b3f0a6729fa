import Foundation
import StewardOps
import Synchronization

/// A wall clock for the scheduler that moves only when a test moves it.
///
/// ``sleepers`` says what the scheduler waits for, so a test knows the scheduler reached its
/// sleep (and until when) before it moves the clock.
final class ManualScheduleClock: ScheduleClock {
    private struct Sleeper {
        var id: UUID
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var sleepers: [Sleeper] = []
    }

    private let state: Mutex<State>

    init(_ now: Date) { state = Mutex(State(now: now)) }

    func now() -> Date { state.withLock { $0.now } }

    /// The deadlines of the sleeps in progress.
    var sleepers: [Date] { state.withLock { $0.sleepers.map(\.deadline) } }

    func sleep(until deadline: Date) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let due = state.withLock { state -> Bool in
                    if state.now >= deadline || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if due { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Sets the time and wakes every sleep whose deadline it reached.
    func advance(to time: Date) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = time
            let due = state.sleepers.filter { $0.deadline <= time }
            state.sleepers.removeAll { $0.deadline <= time }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
