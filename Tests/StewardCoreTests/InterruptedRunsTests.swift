import StewardCore
import Testing

/// Finding the migration and mirror runs a restart cut short, from the log's events.
@Suite struct InterruptedRunsTests {
    static func migration(_ change: MigrationEvent.Change, _ run: String, versions: [Int]? = nil, version: Int? = nil)
        -> MigrationEvent
    {
        var event = MigrationEvent(change, run: run, environment: "production", dependency: "db", direction: .up)
        event.versions = versions
        event.version = version
        return event
    }

    /// A run with a version it planned and did not finish, and no failure, was interrupted.
    @Test func aMigrationRunWithVersionsLeftAndNoFailureIsInterrupted() {
        let found = InterruptedRuns.migrations(in: [
            Self.migration(.started, "r1", versions: [1, 2]), Self.migration(.applied, "r1", version: 1),
            Self.migration(.applied, "r1", version: 2), Self.migration(.validated, "r1"),
            Self.migration(.started, "r2", versions: [3]), Self.migration(.failed, "r2", version: 3),
            Self.migration(.started, "r3", versions: [4, 5]), Self.migration(.applied, "r3", version: 4),
            Self.migration(.applied, "r4", version: 5),
        ])
        #expect(found.map(\.run) == ["r3"])
        #expect(InterruptedRuns.migrations(in: [Self.migration(.started, "r5", versions: [])]).isEmpty, "nothing planned: nothing left")
    }

    /// A mirror run with no outcome was interrupted; synced, restored and failed ones were not.
    @Test func aMirrorRunWithoutAnOutcomeIsInterrupted() {
        let events = [
            MirrorEvent(.started, mirror: "docs", run: "m1", operation: .sync), MirrorEvent(.synced, mirror: "docs", run: "m1", operation: .sync),
            MirrorEvent(.started, mirror: "docs", run: "m2", operation: .restore), MirrorEvent(.failed, mirror: "docs", run: "m2", operation: .restore),
            MirrorEvent(.started, mirror: "docs", run: "m3", operation: .restore), MirrorEvent(.restored, mirror: "docs", run: "m3", operation: .restore),
            MirrorEvent(.started, mirror: "media", run: "m4", operation: .sync),
        ]
        #expect(InterruptedRuns.mirrors(in: events).map(\.run) == ["m4"])
    }
}
