import Foundation

/// The decisions of `steward promote SERVICE --from SOURCE --to TARGET`.
///
/// A promotion deploys exactly the release that runs in the source environment (its version and
/// its `--set` overrides; the target's own instance counts and variables apply), and only once it
/// has been healthy there for the source's `minimumHealthyTime`. Pure: the caller passes the
/// instance observations with their times and the current time.
extension StackState {
    /// The release a promotion copies: the one serving `service` in `source`.
    ///
    /// - Throws: ``ControlPlaneError`` `.notFound` for an unknown service or environment, or nothing
    ///   running in the source; `.invalid` when source and target are the same or the source declares
    ///   `promotesTo` another environment; `.conflict` while a deployment runs in the source.
    public func releaseToPromote(_ service: String, from source: String, to target: String)
        throws(ControlPlaneError) -> Release
    {
        guard let stack else { throw ControlPlaneError.notFound("no stack is loaded") }
        guard stack.service(named: service) != nil else {
            throw ControlPlaneError.notFound(
                "unknown service '\(service)'; the stack has: \(stack.services.map(\.name).joined(separator: ", "))")
        }
        let names = stack.environments.map(\.name).joined(separator: ", ")
        guard let from = stack.environment(named: source) else {
            throw ControlPlaneError.notFound("unknown environment '\(source)'; the stack has: \(names)")
        }
        guard stack.environment(named: target) != nil else {
            throw ControlPlaneError.notFound("unknown environment '\(target)'; the stack has: \(names)")
        }
        guard source != target else { throw ControlPlaneError.invalid("--from and --to are both '\(source)'; promote to another environment") }
        if let next = from.promotesTo, next != target {
            throw ControlPlaneError.invalid("\(source) promotes to \(next) (its `promotesTo`), not to \(target)")
        }
        let origin = ServiceEnvironment(service: service, environment: source)
        if let active = activeDeployment(for: origin) {
            throw ControlPlaneError.conflict(
                "deployment \(active.id) of \(origin) is still \(active.phase.rawValue); promote what runs there once it is done")
        }
        guard let release = currentRelease(for: origin) else {
            throw ControlPlaneError.notFound("\(origin) runs no release to promote; deploy it there first")
        }
        return release
    }

    /// Since when the release serving a target has served it: when the deployment that made it current finished.
    public func servingSince(_ target: ServiceEnvironment) -> Date? {
        guard let number = current[target] else { return nil }
        return deployments.values
            .filter { $0.target == target && $0.release == number && $0.phase == .succeeded }
            .compactMap(\.finishedAt).max()
    }
}

/// How long a release has been healthy: the instance observations of its instances, over time.
public enum HealthHistory {
    /// One observation of an instance, with the time it was recorded.
    public struct Observation: Sendable, Equatable {
        public var instance: String
        public var change: InstanceObservation.Change
        public var at: Date

        public init(instance: String, change: InstanceObservation.Change, at: Date) {
            self.instance = instance
            self.change = change
            self.at = at
        }
    }

    /// Since when every one of `instances` has been ready without a break, counted from
    /// `servingSince` at the earliest; nil when one is not ready now (or was never seen ready).
    ///
    /// An instance is unhealthy from an `unready`, `exited`, `restarted`, `missing` or `stopped`
    /// observation until its next `ready`; `started` and `adopted` say nothing about readiness.
    public static func healthySince(instances: [String], servingSince: Date, observations: [Observation]) -> Date? {
        guard !instances.isEmpty else { return nil }
        var since = servingSince
        for instance in instances {
            var readySince: Date?
            for observation in observations.filter({ $0.instance == instance }).sorted(by: { $0.at < $1.at }) {
                switch observation.change {
                case .ready: if readySince == nil { readySince = observation.at }
                case .unready, .exited, .restarted, .missing, .stopped: readySince = nil
                case .started, .adopted: break
                }
            }
            guard let readySince else { return nil }
            since = max(since, readySince)
        }
        return since
    }

    /// Why a release healthy since `since` (nil: not healthy now) may not be promoted yet, or nil when it may.
    public static func promotionRefusal(
        of release: Release, healthySince since: Date?, required: TimeSpan?, now: Date
    ) -> String? {
        let what = "release r\(release.number) (\(release.version)) of \(release.service) in \(release.environment)"
        guard let since else {
            return "\(what) is not healthy now: not every instance is ready; promote it once it is"
        }
        guard let required else { return nil }
        let healthy = max(0, now.timeIntervalSince(since))
        guard healthy < required.seconds else { return nil }
        return "\(what) has been healthy for \(describe(healthy)); \(release.environment) asks for \(required) "
            + "(minimumHealthyTime) before it is promoted: try again after \(describe(required.seconds - healthy))"
    }

    /// A duration for people: `2h 5m`, `4m 10s`, `12s`.
    static func describe(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.down))
        let (hours, minutes, rest) = (total / 3600, total % 3600 / 60, total % 60)
        if hours > 0 { return minutes > 0 ? "\(hours)h \(minutes)m" : "\(hours)h" }
        if minutes > 0 { return rest > 0 ? "\(minutes)m \(rest)s" : "\(minutes)m" }
        return "\(rest)s"
    }
}
