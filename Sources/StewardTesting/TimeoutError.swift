/// Thrown by ``eventually(timeout:pollEvery:_:_:)`` when a condition did not become true in time.
public struct TimeoutError: Error, CustomStringConvertible {
    /// What the test was waiting for, as the test described it.
    public var what: String
    /// How long the test waited.
    public var timeout: Duration
    /// The last error the condition threw while polling, if any; it usually explains the wait.
    public var lastError: (any Error)?

    /// Creates the error for a wait on `what` that gave up after `timeout`.
    public init(what: String, timeout: Duration, lastError: (any Error)? = nil) {
        self.what = what
        self.timeout = timeout
        self.lastError = lastError
    }

    /// "timed out after 10.0 seconds waiting for: <what> (last error: …)".
    public var description: String {
        var text = "timed out after \(timeout) waiting for: \(what)"
        if let lastError { text += " (last error: \(lastError))" }
        return text
    }
}
