/// Work the supervision loop carries out for the supervisor: watch a process, or wake at an instant.
///
/// Each carries the instance's token of the moment, so an event meant for an earlier process
/// of the same id is dropped when it arrives.
enum SupervisorEvent: Sendable {
    /// Report when this process exits.
    case watch(id: String, token: UInt64, process: ProcessHandle)
    /// Come back at `at`.
    case wake(id: String, token: UInt64, at: ContinuousClock.Instant, reason: WakeReason)

    enum WakeReason: Sendable {
        /// The restart backoff is over.
        case restart
        /// A probe is due.
        case probe(ManagedInstance.ProbeKind)
    }
}
