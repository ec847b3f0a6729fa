import Foundation

/// What a deployment marker says: the body a `markerWebhook` receives when a deployment finishes.
///
/// The loan-management guide asks for deployment annotations on dashboards and errors correlated
/// with deployments. The durable marker is the log's own `deployment.succeeded` / `deployment.failed`
/// event; this value adds what an annotation shows (the version, who asked) and is posted as JSON:
/// `{"deployment":ID, "service":S, "environment":E, "version":V, "release":N, "kind":K,
/// "outcome":"succeeded"|"failed", "user":WHO, "time":DATE, "reason":TEXT?, "promotedFrom":E?}`.
public struct DeploymentMarker: Sendable, Equatable, Encodable {
    enum CodingKeys: String, CodingKey {
        case deployment, service, environment, version, release, kind, outcome, user, time, reason, promotedFrom
    }

    public var deployment: Int
    public var target: ServiceEnvironment
    public var version: String
    public var release: Int
    public var kind: Deployment.Kind
    /// ``Deployment/Phase/succeeded`` or ``Deployment/Phase/failed``.
    public var outcome: Deployment.Phase
    /// Who requested the deployment.
    public var user: String
    /// When it finished.
    public var time: Date
    public var reason: String?
    /// The environment a promotion came from.
    public var promotedFrom: String?

    /// The marker of a finished deployment of `release`; nil while it is not finished.
    public init?(_ deployment: Deployment, release: Release) {
        guard deployment.isFinished, let time = deployment.finishedAt ?? deployment.startedAt else { return nil }
        self.deployment = deployment.id
        target = deployment.target
        version = release.version
        self.release = release.number
        kind = deployment.kind
        outcome = deployment.phase
        user = deployment.requestedBy
        self.time = time
        reason = deployment.reason
        promotedFrom = deployment.promotedFrom?.environment
    }

    /// The JSON body, keys sorted.
    public func body() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(deployment, forKey: .deployment)
        try container.encode(target.service, forKey: .service)
        try container.encode(target.environment, forKey: .environment)
        try container.encode(version, forKey: .version)
        try container.encode(release, forKey: .release)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encode(outcome.rawValue, forKey: .outcome)
        try container.encode(user, forKey: .user)
        try container.encodeDate(time, forKey: .time)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(promotedFrom, forKey: .promotedFrom)
    }
}
