import Foundation

/// The versioning rules of the event log's JSON payloads.
///
/// Every payload is a JSON object with a `v` field: the version of that event type's shape.
/// A reader accepts versions from 1 up to the one it knows (``supportedVersions``) and refuses
/// anything newer with an ``EventFormatError`` that names the event, rather than fold it wrongly.
/// Payloads that only inform (observations, checkpoints) also carry `"informational": true`;
/// a reader skips such an event when it does not know its type or version, and reports it.
///
/// The shapes are documented in `docs/events.md`; the golden log in the tests pins them.
public enum EventFormat {
    /// The event type of a checkpoint of the folded state.
    public static let checkpointType = "steward.checkpoint"

    /// The newest payload version this code reads and writes, per event type.
    public static let supportedVersions: [String: Int] = {
        var versions: [String: Int] = [
            "stack.applied": 1,
            "release.created": 1,
            // v2: a blue/green or canary deployment's plan carries its rollout; v3: its gates
            // (approvals, window, window override, promotion source); v4: `unavailable` (maxUnavailable).
            "deployment.created": 4,
            "deployment.succeeded": 1,
            "deployment.failed": 1,
            "dependency.up": 1,
            "dependency.down": 1,
            "service.stopped": 1,
            "token.created": 1,
            "token.revoked": 1,
            "user.added": 1,
            "user.removed": 1,
            "controlplane.started": 1,
            // v2: the state holds a rollout (older readers skip it and fold the events, which they refuse);
            // v3: a deployment with gates; v4: a deployment that stops old instances early (maxUnavailable).
            checkpointType: 4,
        ]
        // v2: the progress holds approvals or a pause.
        for name in Deployment.Input.names { versions["deployment.\(name)"] = 2 }
        for change in InstanceObservation.Change.allCases { versions["instance.\(change.rawValue)"] = 1 }
        for type in RunbookEventPayload.types { versions[type] = 1 }
        for type in BackupEvent.types { versions[type] = 1 }
        for type in MigrationEvent.types { versions[type] = 1 }
        for type in ScheduleEvent.types { versions[type] = 1 }
        for type in DrillEvent.types { versions[type] = 1 }
        for type in MirrorEvent.types { versions[type] = 1 }
        for change in SecretChanged.Change.allCases { versions["secret.\(change.rawValue)"] = 1 }
        return versions
    }()

    /// The version this code writes for every type.
    static let written = 1
}

/// The first fields of every payload, read before the payload itself.
struct PayloadHeader: Decodable {
    var v: Int?
    var informational: Bool?
}

/// An event that this version of Steward cannot fold, so it refuses the log.
///
/// Thrown when an event has a type or a payload version newer than this code knows and is not
/// marked informational, or when a payload does not have the documented shape.
public struct EventFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event's sequence number.
    public var seq: Int64
    /// The event's type.
    public var type: String
    /// The payload version the event needs, when it states one.
    public var neededVersion: Int?
    /// One sentence saying what is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(seq: Int64, type: String, neededVersion: Int?, message: String) {
        self.seq = seq
        self.type = type
        self.neededVersion = neededVersion
        self.message = message
    }

    public var description: String { message }
}

/// An informational event that was not folded because this code does not know its type or version.
public struct SkippedEvent: Sendable, Equatable {
    /// The event's sequence number.
    public var seq: Int64
    /// The event's type.
    public var type: String
    /// Why it was skipped.
    public var reason: String

    /// Creates a report of a skipped event.
    public init(seq: Int64, type: String, reason: String) {
        self.seq = seq
        self.type = type
        self.reason = reason
    }
}

/// The result of reading one stored event.
public enum DecodedEvent: Sendable, Equatable {
    /// An event to fold.
    case event(StewardEvent)
    /// An informational event this code does not know; folding goes on without it.
    case skipped(SkippedEvent)
}
