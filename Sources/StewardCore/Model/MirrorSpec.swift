import Foundation

/// A mirror of a bucket prefix (`mirrors:` in the stack file): an incremental copy, with a
/// manifest, into another bucket prefix or a local folder, and the way back.
///
/// Mirrors belong to the stack, not to an environment: each bucket is reached through the `s3`
/// dependency whose URL names it (its secrets resolved as set without `--env`), else through the
/// control plane's `AWS_*` variables, the way a backup's `s3://` destination is.
public struct MirrorSpec: Sendable, Codable, Equatable {
    /// The mirror's name (`[a-z][a-z0-9-]*`), as `steward mirror sync NAME` takes it.
    public var name: String
    /// What is mirrored: `s3://BUCKET` or `s3://BUCKET/PREFIX`.
    public var source: String
    /// Where the copies go: `s3://BUCKET/PREFIX`, or a folder (absolute, or relative to the data directory).
    public var target: String
    /// Keep copies of objects deleted from the source (marked in the manifest) instead of deleting them.
    public var keepRemoved: Bool
    /// A five-field cron expression, read in ``timeZone``; nil: synced only on demand.
    public var schedule: String?
    /// The IANA zone the schedule is read in.
    public var timeZone: String

    /// Creates a mirror.
    public init(
        name: String, source: String, target: String, keepRemoved: Bool = false, schedule: String? = nil,
        timeZone: String = "UTC"
    ) {
        self.name = name
        self.source = source
        self.target = target
        self.keepRemoved = keepRemoved
        self.schedule = schedule
        self.timeZone = timeZone
    }

    /// True when the copies go to a bucket, false for a folder.
    public var targetIsBucket: Bool { target.hasPrefix("s3://") }
}

extension StackSpec {
    /// The mirror with this name, if declared.
    public func mirror(named name: String) -> MirrorSpec? { mirrors.first { $0.name == name } }
}
