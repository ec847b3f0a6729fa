import Foundation

/// Folds stored events into a ``StackState``, applying the version rules of ``EventFormat``.
///
/// The one way the log becomes state: start from an empty state or a checkpoint, then ``fold(seq:type:subject:payload:)``
/// each later event in order. Pure: it sees only the values it is given.
///
/// ```swift
/// var fold = StateFold()
/// for record in records { try fold.fold(seq: record.seq, type: record.type, subject: record.subject, payload: record.payload) }
/// let state = fold.state
/// ```
public struct StateFold: Sendable {
    /// The state folded so far.
    public private(set) var state: StackState
    /// The sequence number of the last event folded (or covered by the starting checkpoint).
    public private(set) var lastSeq: Int64
    /// Informational events skipped because this code does not know their type or version.
    public private(set) var skipped: [SkippedEvent] = []

    /// Starts from an empty state, before the first event.
    public init() {
        state = StackState()
        lastSeq = 0
    }

    /// Starts from a checkpoint: the next event folded follows the one it covers.
    public init(checkpoint: StateCheckpoint) {
        state = checkpoint.state
        lastSeq = checkpoint.seq
    }

    /// Folds one stored event.
    ///
    /// - Throws: ``EventFormatError`` when the event cannot be folded (see
    ///   ``StewardEvent/decode(seq:type:subject:payload:)``); the state is then unchanged.
    public mutating func fold(seq: Int64, type: String, subject: String, payload: Data) throws {
        switch try StewardEvent.decode(seq: seq, type: type, subject: subject, payload: payload) {
        case .event(let event):
            state.apply(event)
        case .skipped(let report):
            skipped.append(report)
        }
        lastSeq = seq
    }
}
