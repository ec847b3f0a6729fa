import Synchronization

/// The supervisor's generation counter, with waiters woken by the change itself.
///
/// Why a lock and not the actor: a long poll must end when its task is cancelled (the client
/// went away), and a cancellation handler runs synchronously outside the actor.
final class ChangeNotifier: Sendable {
    private struct State {
        var generation: UInt64
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextKey: UInt64 = 0
    }

    private let state: Mutex<State>

    init(generation: UInt64) {
        state = Mutex(State(generation: generation))
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Moves the generation on by one and wakes every waiter; returns the new generation.
    @discardableResult
    func bump() -> UInt64 {
        let (generation, woken) = state.withLock { state in
            state.generation &+= 1
            let woken = state.waiters.values.map(\.continuation)
            state.waiters = [:]
            return (state.generation, woken)
        }
        for continuation in woken { continuation.resume() }
        return generation
    }

    /// Returns once the generation is past `after`, or when the task is cancelled.
    func wait(after: UInt64) async {
        let key = state.withLock { state in
            state.nextKey += 1
            return state.nextKey
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.generation > after { return true }
                    state.waiters[key] = (after, continuation)
                    return false
                }
                if done {
                    continuation.resume()
                } else if Task.isCancelled {
                    cancel(key)
                }
            }
        } onCancel: {
            cancel(key)
        }
    }

    private func cancel(_ key: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: key) }?.continuation.resume()
    }
}
