/// Polls `condition` until it returns `true`, or throws a ``TimeoutError`` naming `what` after `timeout`.
///
/// This is the only way tests wait: never a bare sleep that hopes something happened. An error
/// thrown by the condition counts as "not yet" (a server still starting refuses connections);
/// the last one is reported in the ``TimeoutError``. Cancellation of the calling task ends the
/// wait with `CancellationError`.
///
/// ```swift
/// try await eventually("the instance is ready") { try await client.isReady() }
/// ```
public func eventually(
    timeout: Duration = .seconds(10),
    pollEvery: Duration = .milliseconds(50),
    _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var lastError: (any Error)?
    while true {
        try Task.checkCancellation()
        do {
            if try await condition() { return }
            lastError = nil
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            lastError = error
        }
        if clock.now >= deadline { throw TimeoutError(what: what, timeout: timeout, lastError: lastError) }
        try await Task.sleep(for: pollEvery)
    }
}
