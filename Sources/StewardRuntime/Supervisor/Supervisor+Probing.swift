import Foundation
import Logging
import StewardCore

#if canImport(Glibc)
import Glibc
#endif

/// A probe the supervisor has decided to run now.
struct ProbeJob: Sendable {
    var check: ProbeSpec.Check
    var target: ProbeTarget
    var timeout: TimeSpan
}

extension Supervisor {
    /// Sets the first readiness and liveness probes of a process that just started (or was adopted).
    ///
    /// Liveness runs from its initial delay whether or not the instance was ever ready, so an
    /// instance that hangs during startup is caught too; the initial delay is what keeps a slow
    /// start from being mistaken for a hang.
    func scheduleFirstProbes(of spec: InstanceSpec, id: String, token: UInt64, from start: ContinuousClock.Instant) {
        if let readiness = spec.readiness {
            eventSink.yield(.wake(id: id, token: token, at: start + readiness.initialDelay.duration, reason: .probe(.readiness)))
        }
        if let liveness = spec.liveness {
            eventSink.yield(.wake(id: id, token: token, at: start + liveness.initialDelay.duration, reason: .probe(.liveness)))
        }
    }

    /// The probe to run now, or nil when the process it was meant for is gone or stopping.
    func probeJob(_ id: String, token: UInt64, kind: ManagedInstance.ProbeKind) -> ProbeJob? {
        guard let managed = instances[id], managed.token == token, !managed.stopping, managed.process != nil,
            let spec = kind == .readiness ? managed.spec.readiness : managed.spec.liveness
        else { return nil }
        let target = ProbeTarget(host: "127.0.0.1", port: managed.status.port, environment: managed.environment)
        return ProbeJob(check: spec.check, target: target, timeout: spec.timeout)
    }

    /// Applies a probe result and sets the next probe of that kind.
    ///
    /// Readiness flips `ready`; failing liveness kills the process group (the exit restarts it).
    /// Until its first ready, an instance is probed on a startup cadence: every
    /// `startupProbeMinimum` at first, then every tenth of its age, up to the probe's interval,
    /// so a quick start is noticed quickly and a never-ready instance costs little.
    func record(_ result: ProbeResult, kind: ManagedInstance.ProbeKind, for id: String, token: UInt64) {
        guard var managed = instances[id], managed.token == token, !managed.stopping,
            let process = managed.process
        else { return }
        managed.status.lastProbe = result
        let now = ContinuousClock.now
        switch kind {
        case .readiness:
            guard let spec = managed.spec.readiness else { return }
            switch managed.readiness.record(result, spec: spec) {
            case .becamePassing:
                managed.status.ready = true
                managed.readySinceStart = true
                managed.status.failedStarts = 0
                managed.backoff = managed.spec.restart.initialBackoff.duration
                managed.status.message = "ready"
                bump()
            case .becameFailing:
                managed.status.ready = false
                managed.status.message = "not ready: \(result.message)"
                bump()
            case nil:
                break
            }
            let delay = managed.readySinceStart ? spec.interval.duration : startupDelay(age: now - managed.startedAt, interval: spec.interval.duration)
            eventSink.yield(.wake(id: id, token: token, at: now + delay, reason: .probe(.readiness)))
        case .liveness:
            guard let spec = managed.spec.liveness else { return }
            switch managed.liveness.record(result, spec: spec) {
            case .becameFailing:
                managed.status.live = false
                managed.status.message = "liveness failed: \(result.message); restarting"
                logger.warning("\(id) failed liveness: \(result.message)")
                // The exit path restarts it with backoff.
                process.signalGroup(SIGKILL)
                bump()
            case .becamePassing:
                managed.status.live = true
            case nil:
                break
            }
            eventSink.yield(.wake(id: id, token: token, at: now + spec.interval.duration, reason: .probe(.liveness)))
        }
        instances[id] = managed
    }

    /// The wait before the next startup readiness probe of an instance `age` old.
    func startupDelay(age: Duration, interval: Duration) -> Duration {
        min(max(age / startupProbeAgeDivisor, startupProbeMinimum), max(interval, startupProbeMinimum))
    }
}
