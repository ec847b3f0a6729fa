import Foundation

/// Payload of ``StewardEvent/mirror(_:)``: a sync or restore of a bucket mirror (`mirror.*`).
///
/// In the log (v1), subject `mirror/NAME`, every payload `{"v":1, "mirror":NAME, "run":ID,
/// "operation":"sync"|"restore", …}` plus the fields of its type (`docs/events.md`):
/// - `mirror.started` — `source, target, includeRemoved?`: written before anything is copied.
/// - `mirror.synced` — `copied, skipped, deleted, kept, bytes, durationSeconds`.
/// - `mirror.restored` — `copied, skipped, bytes, durationSeconds`.
/// - `mirror.failed` — `error`, and for a run that went through with objects it could not copy,
///   the counts and `failures` (one line per object).
///
/// Locations are written as `s3://BUCKET/PREFIX` or a folder path, never with a credential; error
/// messages are masked of the buckets' secret keys before they are recorded.
public struct MirrorEvent: Sendable, Equatable, Codable {
    /// What happened; written as the event type, not in the payload.
    public enum Change: String, Sendable, CaseIterable { case started, synced, restored, failed }
    /// What the run does.
    public enum Operation: String, Sendable, Codable { case sync, restore }

    enum CodingKeys: String, CodingKey {
        case v, mirror, run, operation, source, target, includeRemoved, copied, skipped, deleted, kept, bytes
        case durationSeconds, failures, error
    }

    public var change: Change
    /// The mirror's name.
    public var mirror: String
    /// The run's id (`yyyyMMdd-HHmmss-xxxxxx`).
    public var run: String
    public var operation: Operation
    /// started: where the run reads and writes (sync: the source and the mirror; restore: the mirror and the target).
    public var source: String?
    public var target: String?
    /// started (restore): whether objects kept after their removal from the source are restored too.
    public var includeRemoved: Bool?
    /// synced, restored, failed: objects copied, objects already up to date.
    public var copied: Int?
    public var skipped: Int?
    /// synced: copies deleted because the object is gone from the source, and copies kept (`keepRemoved`).
    public var deleted: Int?
    public var kept: Int?
    /// synced, restored, failed: bytes copied, and how long the run took.
    public var bytes: Int64?
    public var durationSeconds: Double?
    /// failed: the objects that could not be copied, with why.
    public var failures: [String]?
    /// failed: what went wrong.
    public var error: String?

    /// Creates a payload with the fields every `mirror.*` event has; set the others after.
    public init(_ change: Change, mirror: String, run: String, operation: Operation) {
        self.change = change
        self.mirror = mirror
        self.run = run
        self.operation = operation
    }

    /// The event type: `mirror.started`, `mirror.synced`…
    public var type: String { "mirror.\(change.rawValue)" }

    /// The subject: `mirror/NAME`.
    public var subject: String { "mirror/\(mirror)" }

    /// Every `mirror.*` type this code reads.
    public static var types: [String] { Change.allCases.map { "mirror.\($0.rawValue)" } }

    /// Reads the payload; ``change`` is `.started` until the caller sets it from the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        change = .started
        mirror = try c.decode(String.self, forKey: .mirror)
        run = try c.decode(String.self, forKey: .run)
        operation = try c.decode(Operation.self, forKey: .operation)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        target = try c.decodeIfPresent(String.self, forKey: .target)
        includeRemoved = try c.decodeIfPresent(Bool.self, forKey: .includeRemoved)
        copied = try c.decodeIfPresent(Int.self, forKey: .copied)
        skipped = try c.decodeIfPresent(Int.self, forKey: .skipped)
        deleted = try c.decodeIfPresent(Int.self, forKey: .deleted)
        kept = try c.decodeIfPresent(Int.self, forKey: .kept)
        bytes = try c.decodeIfPresent(Int64.self, forKey: .bytes)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds)
        failures = try c.decodeIfPresent([String].self, forKey: .failures)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(EventFormat.written, forKey: .v)
        try c.encode(mirror, forKey: .mirror)
        try c.encode(run, forKey: .run)
        try c.encode(operation, forKey: .operation)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(target, forKey: .target)
        try c.encodeIfPresent(includeRemoved, forKey: .includeRemoved)
        try c.encodeIfPresent(copied, forKey: .copied)
        try c.encodeIfPresent(skipped, forKey: .skipped)
        try c.encodeIfPresent(deleted, forKey: .deleted)
        try c.encodeIfPresent(kept, forKey: .kept)
        try c.encodeIfPresent(bytes, forKey: .bytes)
        try c.encodeIfPresent(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(failures, forKey: .failures)
        try c.encodeIfPresent(error, forKey: .error)
    }
}
