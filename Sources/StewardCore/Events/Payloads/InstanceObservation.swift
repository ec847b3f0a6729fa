import Foundation

/// Payload of ``StewardEvent/instanceObserved(_:)``: `instance.CHANGE`, subject `instance/ID`.
///
/// An observation of an instance (informational). In the log (v1):
/// `{"v":1, "informational":true, "instance":ID, "message":TEXT, "pid":N?, "port":N?}`; the change
/// is the event type's second part. The API shows this value with its own fields.
public struct InstanceObservation: Sendable, Codable, Equatable {
    /// What changed.
    public enum Change: String, Sendable, Codable, CaseIterable {
        case ready, unready, exited, restarted, adopted, missing, started, stopped
    }

    /// The instance's id, such as `api-production-r3-0`.
    public var instanceID: String
    /// What changed.
    public var change: Change
    /// What was seen, for a person.
    public var message: String
    /// The process, when known.
    public var pid: Int32?
    /// The instance's own port, when known.
    public var port: Int?

    /// Creates an observation.
    public init(instanceID: String, change: Change, message: String, pid: Int32? = nil, port: Int? = nil) {
        self.instanceID = instanceID
        self.change = change
        self.message = message
        self.pid = pid
        self.port = port
    }
}

/// The log shape of an ``InstanceObservation``.
struct InstanceObservationPayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, informational, instance, message, pid, port
    }

    var instance: String
    var message: String
    var pid: Int32?
    var port: Int?

    init(_ observation: InstanceObservation) {
        instance = observation.instanceID
        message = observation.message
        pid = observation.pid
        port = observation.port
    }

    func observation(_ change: InstanceObservation.Change) -> InstanceObservation {
        InstanceObservation(instanceID: instance, change: change, message: message, pid: pid, port: port)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        instance = try container.decode(String.self, forKey: .instance)
        message = try container.decode(String.self, forKey: .message)
        pid = try container.decodeIfPresent(Int32.self, forKey: .pid)
        port = try container.decodeIfPresent(Int.self, forKey: .port)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(true, forKey: .informational)
        try container.encode(instance, forKey: .instance)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(pid, forKey: .pid)
        try container.encodeIfPresent(port, forKey: .port)
    }
}

/// A checkpoint's entry for one instance: the observation with its change.
struct InstanceStatePayload: Codable {
    enum CodingKeys: String, CodingKey {
        case change, instance, message, pid, port
    }

    var observation: InstanceObservation

    init(_ observation: InstanceObservation) { self.observation = observation }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let change = try container.decode(String.self, forKey: .change)
        guard let known = InstanceObservation.Change(rawValue: change) else {
            throw DecodingError.dataCorruptedError(
                forKey: .change, in: container, debugDescription: "unknown instance change '\(change)'")
        }
        observation = InstanceObservation(
            instanceID: try container.decode(String.self, forKey: .instance), change: known,
            message: try container.decode(String.self, forKey: .message),
            pid: try container.decodeIfPresent(Int32.self, forKey: .pid),
            port: try container.decodeIfPresent(Int.self, forKey: .port))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(observation.change.rawValue, forKey: .change)
        try container.encode(observation.instanceID, forKey: .instance)
        try container.encode(observation.message, forKey: .message)
        try container.encodeIfPresent(observation.pid, forKey: .pid)
        try container.encodeIfPresent(observation.port, forKey: .port)
    }
}
