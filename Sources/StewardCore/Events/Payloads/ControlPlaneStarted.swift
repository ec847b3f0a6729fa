import Foundation

/// Payload of ``StewardEvent/controlPlaneStarted(_:)``: `controlplane.started`, subject `controlplane`.
///
/// JSON (v1): `{"v":1, "informational":true, "version":TEXT, "adoptedInstances":N,
/// "resumedDeployments":[ID…]}` with the deployment ids in ascending order.
public struct ControlPlaneStarted: Sendable, Equatable {
    /// Steward's version.
    public var version: String
    /// Instances found running on agents and adopted.
    public var adoptedInstances: Int
    /// Deployments resumed from the log.
    public var resumedDeployments: [Int]

    /// Creates the payload; the deployment ids are kept in ascending order.
    public init(version: String, adoptedInstances: Int, resumedDeployments: [Int]) {
        self.version = version
        self.adoptedInstances = adoptedInstances
        self.resumedDeployments = resumedDeployments.sorted()
    }
}

extension ControlPlaneStarted: Codable {
    enum CodingKeys: String, CodingKey {
        case v, informational, version, adoptedInstances, resumedDeployments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            version: try container.decode(String.self, forKey: .version),
            adoptedInstances: try container.decode(Int.self, forKey: .adoptedInstances),
            resumedDeployments: try container.decode([Int].self, forKey: .resumedDeployments))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(true, forKey: .informational)
        try container.encode(version, forKey: .version)
        try container.encode(adoptedInstances, forKey: .adoptedInstances)
        try container.encode(resumedDeployments.sorted(), forKey: .resumedDeployments)
    }
}

/// Payload of ``StewardEvent/tokenCreated(name:role:)``: `{"v":1, "name":NAME, "role":ROLE}`.
struct TokenCreatedPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, name, role
    }

    var name: String
    var role: String

    init(name: String, role: String) {
        self.name = name
        self.role = role
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(String.self, forKey: .role)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
    }
}
