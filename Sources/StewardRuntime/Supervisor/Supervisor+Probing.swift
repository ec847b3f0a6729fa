import Logging
import Foundation
import StewardCore

/// A probe the supervisor has decided to run now.
struct ProbeJob: Sendable {
    var instanceID: String
    var kind: ManagedInstance.ProbeKind
    var check: ProbeSpec.Check
    var target: ProbeTarget
    var timeout: TimeSpan
    /// Identifies the process the probe was meant for, so a late result for an earlier process is dropped.
    var startTicks: UInt64
}

extension Supervisor {
    /// The probes of a running instance that are due at `now`.
    ///
    /// Readiness is probed at a fast startup cadence until it first passes, then at its
    /// interval; liveness only starts once the instance has been ready (or after its
    /// initial delay), so a slow start is never mistaken for a hung process.
    func dueProbes(_ managed: inout ManagedInstance, now: ContinuousClock.Instant) -> [ProbeJob] {
        guard let process = managed.process, managed.killDeadline == nil, managed.status.state == .running else {
            return []
        }
        var jobs: [ProbeJob] = []
        let target = ProbeTarget(host: "127.0.0.1", port: managed.status.port)
        if let spec = managed.spec.readiness, !managed.probesInFlight.contains(.readiness),
            now >= managed.nextReadinessProbe
        {
            managed.probesInFlight.insert(.readiness)
            let interval = managed.readySinceStart ? spec.interval.duration : min(spec.interval.duration, startupProbeInterval)
            managed.nextReadinessProbe = now + interval
            jobs.append(
                ProbeJob(
                    instanceID: managed.spec.id, kind: .readiness, check: spec.check, target: target,
                    timeout: spec.timeout, startTicks: process.startTicks))
        }
        let livenessMayRun = managed.readySinceStart || managed.spec.readiness == nil
        if let spec = managed.spec.liveness, livenessMayRun, !managed.probesInFlight.contains(.liveness),
            now >= managed.nextLivenessProbe
        {
            managed.probesInFlight.insert(.liveness)
            managed.nextLivenessProbe = now + spec.interval.duration
            jobs.append(
                ProbeJob(
                    instanceID: managed.spec.id, kind: .liveness, check: spec.check, target: target,
                    timeout: spec.timeout, startTicks: process.startTicks))
        }
        return jobs
    }

    /// Applies a probe result: readiness flips `ready`; failing liveness restarts the instance.
    func record(_ result: ProbeResult, kind: ManagedInstance.ProbeKind, for id: String, startTicks: UInt64) {
        guard var managed = instances[id] else { return }
        managed.probesInFlight.remove(kind)
        guard let process = managed.process, process.startTicks == startTicks, managed.killDeadline == nil else {
            instances[id] = managed
            return
        }
        managed.status.lastProbe = result
        switch kind {
        case .readiness:
            guard let spec = managed.spec.readiness else { break }
            switch managed.readiness.record(result, spec: spec) {
            case .becamePassing:
                managed.status.ready = true
                managed.readySinceStart = true
                managed.status.failedStarts = 0
                managed.backoff = managed.spec.restart.initialBackoff.duration
                managed.nextReadinessProbe = .now + spec.interval.duration
                managed.status.message = "ready"
                bump()
            case .becameFailing:
                managed.status.ready = false
                managed.status.message = "not ready: \(result.message)"
                bump()
            case nil:
                break
            }
        case .liveness:
            guard let spec = managed.spec.liveness else { break }
            switch managed.liveness.record(result, spec: spec) {
            case .becameFailing:
                managed.status.live = false
                managed.status.message = "liveness failed: \(result.message); restarting"
                logger.warning("\(id) failed liveness: \(result.message)")
                // The exit path restarts it with backoff.
                ProcessControl.signalGroup(process.pid, SIGKILL)
                bump()
            case .becamePassing:
                managed.status.live = true
            case nil:
                break
            }
        }
        instances[id] = managed
    }
}
