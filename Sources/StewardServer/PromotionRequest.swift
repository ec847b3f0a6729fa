public import StewardHTTP

/// The body of `POST /api/v1/promotions`: deploy to `environment` what serves `service` in `from`.
///
/// The target is named `environment`, as in every request that changes what runs there, so the
/// caller's role is checked in the environment that changes.
public struct PromotionRequest: Codable, Sendable {
    public var service: String
    /// The environment whose serving release is promoted.
    public var from: String
    /// The environment it is deployed to.
    public var environment: String
    /// Start even while the target's window is closed, for this reason.
    public var overrideWindow: WindowOverrideRequest?

    public init(service: String, from: String, environment: String, overrideWindow: WindowOverrideRequest? = nil) {
        self.service = service
        self.from = from
        self.environment = environment
        self.overrideWindow = overrideWindow
    }
}

/// `"overrideWindow": {"reason": "..."}` in a deploy or promotion: start although the window is closed.
public struct WindowOverrideRequest: Codable, Sendable {
    /// Why; recorded with the user in `deployment.created`. Must not be empty.
    public var reason: String

    public init(reason: String) { self.reason = reason }
}
