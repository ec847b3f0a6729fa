import Foundation
import StewardCore

/// The supervisor's private bookkeeping for one instance.
struct ManagedInstance: Sendable {
    enum ProbeKind: Sendable { case readiness, liveness }

    var status: InstanceStatus
    var process: ProcessHandle?
    /// Changes with every start attempt: timers and probe results carry it, so work meant for an
    /// earlier process (or an earlier incarnation of the id) is recognised and dropped.
    var token: UInt64
    /// The environment the process runs with; exec probes get exactly this one.
    var environment: [String: String] = [:]
    /// When the current process started (for the startup probe cadence).
    var startedAt: ContinuousClock.Instant
    /// Delay before the next restart; doubles per failed start, reset once ready.
    var backoff: Duration
    var readiness = ProbeState()
    var liveness = ProbeState()
    /// Ready at least once since the process last started.
    var readySinceStart = false
    /// A stop owns the instance: no restart, no probe, no liveness kill.
    var stopping = false

    var spec: InstanceSpec { status.spec }

    init(spec: InstanceSpec, port: Int, token: UInt64) {
        status = InstanceStatus(spec: spec, state: .starting, port: port, message: "accepted")
        self.token = token
        startedAt = .now
        backoff = spec.restart.initialBackoff.duration
    }
}
