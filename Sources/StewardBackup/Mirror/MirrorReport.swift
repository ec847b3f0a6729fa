/// What one sync or restore did, by object.
public struct MirrorReport: Sendable, Codable, Equatable {
    /// Objects copied (new or changed since the last sync; for a restore, missing or different in the target).
    public var copied: [String] = []
    /// Objects already up to date.
    public var skipped: Int = 0
    /// Objects removed from the mirror because they are gone from the source.
    public var deleted: [String] = []
    /// Objects gone from the source but kept in the mirror (`keepRemoved`).
    public var kept: [String] = []
    /// Bytes copied.
    public var bytes: Int64 = 0
    /// Objects that could not be copied or checked, with why; the next sync tries them again.
    public var failures: [String] = []

    public init() {}

    /// True when every object was handled.
    public var succeeded: Bool { failures.isEmpty }
}
