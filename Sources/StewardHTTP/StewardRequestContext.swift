public import Hummingbird

/// The request context of Steward's APIs: Hummingbird's core context plus who is calling.
public struct StewardRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The name of the token that authenticated the request ("anonymous" on open paths).
    public var actor: String

    public init(source: Source) {
        coreContext = .init(source: source)
        actor = "anonymous"
    }
}
