/// The body of `POST /api/v1/services/{name}/restart` and `…/start`: where.
public struct ServiceEnvironmentRequest: Codable, Sendable {
    public var environment: String

    public init(environment: String) { self.environment = environment }
}

/// The body of `POST /api/v1/services/{name}/scale`: where, and how many instances.
public struct ScaleRequest: Codable, Sendable {
    public var environment: String
    /// From 0 to 256, like `instances:` in the stack file.
    public var instances: Int

    public init(environment: String, instances: Int) {
        self.environment = environment
        self.instances = instances
    }
}

/// The body of `POST /api/v1/environments/{name}/down` (optional).
public struct DownRequest: Codable, Sendable {
    public var reason: String?

    public init(reason: String? = nil) { self.reason = reason }

    /// The longest reason accepted, in Unicode scalars (as the OpenAPI document's `maxLength` counts).
    public static let maxReasonLength = 1024

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Absent or a string: a null reason is a mistake worth a 400, not a silent default.
        reason = container.contains(.reason) ? try container.decode(String.self, forKey: .reason) : nil
        if let reason, reason.unicodeScalars.count > Self.maxReasonLength {
            throw DecodingError.dataCorruptedError(
                forKey: .reason, in: container, debugDescription: "longer than \(Self.maxReasonLength) characters")
        }
    }
}

/// The answer of `POST /api/v1/environments/{name}/down`: every service stopped, with the
/// release it ran and the instances that will stop (empty when nothing ran there).
public struct DownAnswer: Codable, Sendable {
    /// One stopped service.
    public struct Stopped: Codable, Sendable {
        public var service: String
        /// The release it ran, which `start` runs again.
        public var release: Int
        public var stopping: [String]
    }

    public var environment: String
    public var stopped: [Stopped]
}
