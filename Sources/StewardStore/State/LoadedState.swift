public import StewardCore

/// The state folded from the log at start-up, and how it was obtained.
public struct LoadedState: Sendable {
    /// The fold of the whole log.
    public var state: StackState
    /// The last event's sequence number (0 for an empty log).
    public var lastSeq: Int64
    /// The last event's hash (``EventHash/genesis`` for an empty log).
    public var lastHash: String
    /// The sequence number covered by the checkpoint loading started from, or nil for a fold from the start.
    public var checkpointSeq: Int64?
    /// How many events were folded after the checkpoint (or from the start).
    public var foldedEvents: Int
    /// Informational events skipped because this version does not know their type or version.
    public var skipped: [SkippedEvent]
}
