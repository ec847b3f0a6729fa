import Foundation
import StewardCore

/// The supervisor's private bookkeeping for one instance.
struct ManagedInstance: Sendable {
    enum ProbeKind: Sendable { case readiness, liveness }

    var status: InstanceStatus
    var process: ProcessControl.Started?
    /// When a process in backoff may start again.
    var nextStart: ContinuousClock.Instant
    /// Delay before the next restart; doubles per failed start, reset once ready.
    var backoff: Duration
    var readiness = ProbeState()
    var liveness = ProbeState()
    var nextReadinessProbe: ContinuousClock.Instant
    var nextLivenessProbe: ContinuousClock.Instant
    var probesInFlight: Set<ProbeKind> = []
    /// Ready at least once since the process last started.
    var readySinceStart = false
    /// Set once a stop is requested: SIGKILL the group after this instant.
    var killDeadline: ContinuousClock.Instant?

    var spec: InstanceSpec { status.spec }

    init(spec: InstanceSpec, port: Int, now: ContinuousClock.Instant) {
        status = InstanceStatus(spec: spec, state: .starting, port: port, message: "accepted")
        nextStart = now
        backoff = spec.restart.initialBackoff.duration
        nextReadinessProbe = now
        nextLivenessProbe = now
    }
}
