import Foundation

/// What a deployment waits for before anything starts: approvals, then its environment's window.
///
/// A deployment to an environment with `approvals: N` waits in ``Deployment/Phase/awaitingApproval``
/// until N distinct users other than the requester approve it (``Deployment/Input/approve(by:at:)``);
/// then, if the environment has a `window` that is closed and nobody overrode it, it waits in
/// ``Deployment/Phase/awaitingWindow`` until the window opens (an ``Deployment/Effect/scheduleWake(_:)``
/// at the opening). Nothing is started while it waits, and an abort ends it at once. The gates are
/// taken from the environment when the deployment is planned, so a stack applied meanwhile does not
/// change what an in-flight deployment waits for.
extension Deployment {
    /// The gates of a deployment, taken from its environment when it is planned.
    public struct Gates: Sendable, Codable, Equatable {
        /// Approvals by distinct users other than the requester.
        public var approvalsRequired: Int
        /// When it may start; nil: at any time.
        public var window: DeploymentWindow?
        /// Who waived the window, and why.
        public var windowOverride: WindowOverride?
        /// The environment and release it promotes, for a promotion.
        public var promotedFrom: PromotionSource?

        /// Creates the gates; the defaults gate nothing.
        public init(
            approvalsRequired: Int = 0, window: DeploymentWindow? = nil, windowOverride: WindowOverride? = nil,
            promotedFrom: PromotionSource? = nil
        ) {
            self.approvalsRequired = approvalsRequired
            self.window = window
            self.windowOverride = windowOverride
            self.promotedFrom = promotedFrom
        }
    }

    /// A person's decision to start a deployment outside its environment's window.
    public struct WindowOverride: Sendable, Codable, Equatable {
        enum CodingKeys: String, CodingKey { case by, reason }

        /// The user who asked for it.
        public var by: String
        /// Why, as they wrote it (never empty).
        public var reason: String

        public init(by: String, reason: String) {
            self.by = by
            self.reason = reason
        }
    }

    /// The release a promotion copies: where it ran, and its number there.
    public struct PromotionSource: Sendable, Codable, Equatable {
        enum CodingKeys: String, CodingKey { case environment, release }

        public var environment: String
        public var release: Int

        public init(environment: String, release: Int) {
            self.environment = environment
            self.release = release
        }
    }

    /// The gates this deployment was planned with.
    public var gates: Gates {
        Gates(approvalsRequired: approvalsRequired, window: window, windowOverride: windowOverride, promotedFrom: promotedFrom)
    }

    /// Why `user` may not approve this deployment now, worded for them; nil when they may.
    public func approvalRefusal(by user: String) -> String? {
        guard phase == .awaitingApproval else {
            return approvalsRequired == 0
                ? "deployment \(id) needs no approval (\(target.environment) asks for none)"
                : "deployment \(id) is \(phase.rawValue), not awaiting approval"
        }
        let missing = approvalsRequired - approvals.count
        if user == requestedBy {
            return "\(user) requested deployment \(id) and cannot approve it; it needs \(missing) approval(s) by other users"
        }
        if approvals.contains(user) {
            return "\(user) already approved deployment \(id); it needs \(missing) more approval(s) by other users"
        }
        return nil
    }

    /// Starts the deployment if nothing holds it, else waits for what does.
    mutating func passGates(at: Date) -> [Effect] {
        if approvals.count < approvalsRequired {
            phase = .awaitingApproval
            return []
        }
        if let window, windowOverride == nil, !window.isOpen(at: at) {
            guard let opening = window.nextOpening(after: at) else { return [] }
            phase = .awaitingWindow
            wakeAt = opening
            return [.scheduleWake(opening)]
        }
        wakeAt = nil
        startedAt = at
        if checklist {
            phase = .checking
            return [.runChecklist]
        }
        phase = .rolling
        return startBatch(0, at: at)
    }
}
