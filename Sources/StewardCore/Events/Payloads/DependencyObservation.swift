import Foundation

/// Payload of ``StewardEvent/dependencyObserved(_:)``: `dependency.up` or `dependency.down`,
/// subject `dependency/NAME`.
///
/// In the log (v1): `{"v":1, "informational":true, "dependency":NAME, "message":TEXT}`; whether it
/// is up is the event type's second part. The API shows this value with its own fields.
public struct DependencyObservation: Sendable, Codable, Equatable {
    /// The dependency's name in the stack.
    public var name: String
    /// Whether its probe passed.
    public var up: Bool
    /// What the probe saw.
    public var message: String

    /// Creates an observation.
    public init(name: String, up: Bool, message: String) {
        self.name = name
        self.up = up
        self.message = message
    }
}

/// The log shape of a ``DependencyObservation``; `up` is written only inside checkpoints.
struct DependencyObservationPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, informational, dependency, message, up
    }

    var observation: DependencyObservation
    /// True inside a checkpoint, where the type does not say whether it is up.
    var standalone: Bool

    init(_ observation: DependencyObservation, standalone: Bool) {
        self.observation = observation
        self.standalone = standalone
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        observation = DependencyObservation(
            name: try container.decode(String.self, forKey: .dependency),
            up: try container.decodeIfPresent(Bool.self, forKey: .up) ?? false,
            message: try container.decode(String.self, forKey: .message))
        standalone = !container.contains(.up)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if standalone {
            try container.encode(EventFormat.written, forKey: .v)
            try container.encode(true, forKey: .informational)
        } else {
            try container.encode(observation.up, forKey: .up)
        }
        try container.encode(observation.name, forKey: .dependency)
        try container.encode(observation.message, forKey: .message)
    }
}
