public import Hummingbird

/// The request context of Steward's APIs: Hummingbird's core context plus who is calling.
public struct StewardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The name of the user that authenticated the request ("anonymous" on open paths).
    public var actor: String
    /// The roles of the caller, set by ``BearerAuthMiddleware`` (empty on open paths).
    public var grants: [RoleGrant]

    public init(source: Source) {
        coreContext = .init(source: source)
        actor = "anonymous"
        grants = []
    }

    /// The caller as authenticated: name and roles.
    public var caller: Caller { Caller(name: actor, grants: grants) }
}
