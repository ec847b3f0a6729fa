import Foundation

/// Payload of ``StewardEvent/serviceStopped(_:)``: a service no longer runs in an environment.
///
/// JSON (v1): `{"v":1, "service":S, "environment":E, "release":N, "reason":TEXT}`, subject
/// `service/S/E`. Folding it leaves the service with no current release there, so nothing is
/// wanted and its instances are stopped; it works for a service already removed from the stack.
public struct ServiceStopped: Sendable, Equatable, Codable {
    enum CodingKeys: String, CodingKey {
        case v, service, environment, release, reason
    }

    public var target: ServiceEnvironment
    /// The release that was current when the service stopped.
    public var release: Int
    public var reason: String

    public init(target: ServiceEnvironment, release: Int, reason: String) {
        self.target = target
        self.release = release
        self.reason = reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        target = ServiceEnvironment(
            service: try container.decode(String.self, forKey: .service),
            environment: try container.decode(String.self, forKey: .environment))
        release = try container.decode(Int.self, forKey: .release)
        reason = try container.decode(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(target.service, forKey: .service)
        try container.encode(target.environment, forKey: .environment)
        try container.encode(release, forKey: .release)
        try container.encode(reason, forKey: .reason)
    }
}
