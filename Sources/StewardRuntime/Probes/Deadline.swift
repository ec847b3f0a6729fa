import Synchronization

/// Runs an operation with a hard deadline: the caller gets an answer in time even when the
/// operation ignores cancellation (a connect that has not noticed yet, a stuck server).
enum Deadline {
    /// The operation's value, or `nil` when `timeout` passed first (the operation is then cancelled
    /// and left to finish in the background). Cancelling the caller cancels the operation and throws
    /// `CancellationError`.
    static func run<Value: Sendable>(
        within timeout: Duration, _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        let race = Race<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation, timeout: timeout, operation: operation)
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// The operation against the timer; whichever finishes first resumes the caller and cancels the other.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value?, any Error>?
        var tasks: [Task<Void, Never>] = []
        var finished = false
        var outcome: Result<Value?, any Error>?
    }

    private let state = Mutex(State())

    func start(
        _ continuation: CheckedContinuation<Value?, any Error>, timeout: Duration,
        operation: @escaping @Sendable () async throws -> Value
    ) {
        let early: Result<Value?, any Error>? = state.withLock { state in
            // Cancelled before we got here: answer at once.
            if state.finished { return state.outcome }
            state.continuation = continuation
            state.tasks = [
                Task {
                    do { self.finish(.success(try await operation())) } catch { self.finish(.failure(error)) }
                },
                Task {
                    do {
                        try await Task.sleep(for: timeout)
                        self.finish(.success(nil))
                    } catch {}  // cancelled: the operation won
                },
            ]
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func finish(_ outcome: Result<Value?, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<Value?, any Error>?, [Task<Void, Never>]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            state.outcome = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: outcome)
    }
}
