import Synchronization

/// A generation counter with waiters woken by the change itself: what long polls wait on (the
/// agent's `GET /v1/instances?after=`, the control plane's `GET /api/v1/deployments/{id}?waitMs=`).
///
/// Why a lock and not an actor: a long poll must end when its task is cancelled (the client
/// went away), and a cancellation handler runs synchronously outside any actor.
public final class ChangeNotifier: Sendable {
    private struct State {
        var generation: UInt64
        var waiters: [UInt64: (after: UInt64, continuation: CheckedContinuation<Void, Never>)] = [:]
        var nextKey: UInt64 = 0
    }

    private let state: Mutex<State>

    public init(generation: UInt64 = 0) {
        state = Mutex(State(generation: generation))
    }

    /// The current generation: take it before reading what it guards, then wait after it.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// How many waiters are waiting now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Moves the generation on by one and wakes every waiter; returns the new generation.
    @discardableResult
    public func bump() -> UInt64 {
        let (generation, woken) = state.withLock { state in
            state.generation &+= 1
            let woken = state.waiters.values.map(\.continuation)
            state.waiters = [:]
            return (state.generation, woken)
        }
        for continuation in woken { continuation.resume() }
        return generation
    }

    /// Returns once the generation is past `after`, or when `timeout` passed, or when the task is cancelled.
    public func wait(after generation: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait(after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once the generation is past `after`, or when the task is cancelled.
    public func wait(after: UInt64) async {
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
