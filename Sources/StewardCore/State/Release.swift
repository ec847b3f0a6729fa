import Foundation

/// A version of one service made ready to run in one environment.
///
/// A release is immutable once created: deploying the same version again creates a new
/// release, and a rollback deploys an earlier release's version and settings again.
public struct Release: Sendable, Codable, Equatable {
    /// Increasing number, unique in the stack (`r7`).
    public var number: Int
    public var service: String
    public var environment: String
    public var version: String
    /// Extra environment variables given at deploy time (`--set KEY=VALUE`).
    public var overrides: [String: String]
    /// The service as it runs in this environment: the stack file's definition with the
    /// environment's instances and variables applied, snapshotted so a rollback restores it
    /// exactly. Secret references stay unresolved.
    public var spec: ServiceSpec
    /// The URLs of the stack's dependencies when the release was made (secret references
    /// unresolved), so the release always runs against what it was deployed with, even after
    /// the stack file changed (an abort or a rollback restores exactly what ran). Empty for
    /// releases recorded before this snapshot existed: those use the current stack's URLs.
    public var dependencyURLs: [String: String]
    /// The instance count set by `steward scale` for this service in this environment, when one
    /// was set: ``spec`` then runs this many instances whatever the stack file says, and every
    /// later release of the same service and environment carries it forward (deploy, restart,
    /// rollback, start) until the next scale. Nil when the count comes from the stack file.
    public var scaledInstances: Int?
    public var createdAt: Date
    public var createdBy: String

    /// Creates a release; with `scaledInstances`, `spec` runs that many instances.
    public init(
        number: Int, service: String, environment: String, version: String, overrides: [String: String] = [:],
        spec: ServiceSpec, dependencyURLs: [String: String] = [:], scaledInstances: Int? = nil, createdAt: Date,
        createdBy: String
    ) {
        self.number = number
        self.service = service
        self.environment = environment
        self.version = version
        self.overrides = overrides
        self.spec = spec
        self.dependencyURLs = dependencyURLs
        self.scaledInstances = scaledInstances
        if let scaledInstances { self.spec.instances = scaledInstances }
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The id of this release's instance number `index`: `api-production-r7-0`.
    public func instanceID(_ index: Int) -> String { "\(service)-\(environment)-r\(number)-\(index)" }

    /// The ids of all instances of this release.
    public var instanceIDs: [String] { (0..<spec.instances).map(instanceID) }
}

/// A service in an environment: the unit that has one current release.
public struct ServiceEnvironment: Sendable, Codable, Hashable, CustomStringConvertible {
    public var service: String
    public var environment: String

    public init(service: String, environment: String) {
        self.service = service
        self.environment = environment
    }

    public var description: String { "\(service)/\(environment)" }
}
