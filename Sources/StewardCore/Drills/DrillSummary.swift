import Foundation

/// One disaster-recovery drill as the log remembers it: what `GET /api/v1/drills` and
/// `steward drill list` show, also for drills run before the control plane last restarted.
///
/// Built by ``history(_:)`` from the `drill.*` events alone (pure: no clock, no files).
public struct DrillSummary: Sendable, Codable, Equatable {
    /// Where a drill stands.
    public enum State: String, Sendable, Codable {
        /// Started, and neither completed nor failed yet.
        case running
        /// Ran to the end; ``outcome`` says how its figures compare with the objectives.
        case completed
        /// Could not run to the end (or a restart interrupted it); ``error`` says why.
        case failed
    }

    public var id: String
    public var environment: String
    public var state: State
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Completed: `met`, `missed` or `not-declared`.
    public var outcome: DrillVerdict.Outcome?
    /// Completed: the recovery time and point achieved, in seconds.
    public var rtoSeconds: Double?
    public var rpoSeconds: Double?
    /// Failed: what went wrong, and at which stage.
    public var error: String?
    public var stage: String?
    /// The Markdown report's path on the control plane, when one was written.
    public var report: String?

    /// One event of a drill with the time it was recorded.
    public struct Entry: Sendable {
        public var time: Date
        public var event: DrillEvent

        public init(time: Date, event: DrillEvent) {
            self.time = time
            self.event = event
        }
    }

    /// The drills the entries tell of, newest first (by start, then id).
    ///
    /// Entries may come in any order and need not be complete: a drill whose `drill.started` fell
    /// outside the entries still shows, with what its end says.
    public static func history(_ entries: [Entry]) -> [DrillSummary] {
        var drills: [String: DrillSummary] = [:]
        for entry in entries.sorted(by: { $0.time < $1.time }) {
            let event = entry.event
            var summary = drills[event.drill]
                ?? DrillSummary(id: event.drill, environment: event.environment, state: .running)
            switch event.change {
            case .started:
                summary.startedAt = entry.time
            case .completed:
                summary.state = .completed
                summary.finishedAt = entry.time
                summary.outcome = event.outcome
                summary.rtoSeconds = event.rtoSeconds
                summary.rpoSeconds = event.rpoSeconds
                summary.report = event.report
            case .failed:
                summary.state = .failed
                summary.finishedAt = entry.time
                summary.error = event.error
                summary.stage = event.stage
                summary.report = event.report ?? summary.report
            }
            drills[event.drill] = summary
        }
        return drills.values.sorted { ($0.startedAt ?? $0.finishedAt ?? .distantPast, $0.id) > ($1.startedAt ?? $1.finishedAt ?? .distantPast, $1.id) }
    }

    public init(id: String, environment: String, state: State) {
        self.id = id
        self.environment = environment
        self.state = state
    }
}
