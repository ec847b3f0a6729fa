import Foundation
public import StewardCore

/// The latest sync or restore of one mirror, as the API shows it.
///
/// Kept in the control plane's memory only: it is what a client polls while the work runs
/// (`steward mirror sync NAME`). The durable record is the `mirror.*` events; the mirror's
/// manifest (`.steward-mirror.json`) says what it holds.
public struct MirrorOperation: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable { case running, succeeded, failed }

    /// The run's id (`yyyyMMdd-HHmmss-xxxxxx`), as the `mirror.*` events name it.
    public var run: String
    public var mirror: String
    public var kind: MirrorEvent.Operation
    public var state: State
    public var startedBy: String
    public var startedAt: Date
    public var finishedAt: Date?
    /// Where the run reads and where it writes: `s3://BUCKET/PREFIX` or a folder (never a credential).
    public var source: String
    public var target: String
    /// Objects handled so far (copied, skipped or failed) and bytes copied so far: live progress.
    public var objects: Int
    public var bytes: Int64
    /// At the end: objects copied, already up to date, deleted from the mirror, kept (`keepRemoved`).
    public var copied: Int?
    public var skipped: Int?
    public var deleted: Int?
    public var kept: Int?
    public var durationSeconds: Double?
    /// Objects that could not be copied, with why (the next sync tries them again).
    public var failures: [String]?
    /// What went wrong (failed).
    public var error: String?

    public init(
        run: String, mirror: String, kind: MirrorEvent.Operation, startedBy: String, startedAt: Date, source: String,
        target: String
    ) {
        self.run = run
        self.mirror = mirror
        self.kind = kind
        self.state = .running
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.source = source
        self.target = target
        self.objects = 0
        self.bytes = 0
    }
}

/// One mirror as the API lists it: its declaration, its schedule and its latest run.
public struct MirrorView: Sendable, Codable, Equatable {
    public var name: String
    /// `s3://BUCKET/PREFIX`.
    public var source: String
    /// `s3://BUCKET/PREFIX` or a folder, as declared.
    public var target: String
    public var keepRemoved: Bool
    /// The cron expression and its zone; nil when the mirror is synced only on demand.
    public var schedule: String?
    public var timeZone: String
    /// When the scheduler syncs it next (now when it is due).
    public var nextSyncAt: Date?
    /// The latest sync or restore since the control plane started; nil before the first one.
    public var operation: MirrorOperation?
}
