import Foundation
import StewardCore
import Testing

/// The drill history folded from `drill.*` events: plain values, no log, no clock.
struct DrillSummaryTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func event(_ change: DrillEvent.Change, _ id: String, _ environment: String = "production") -> DrillEvent {
        DrillEvent(change, drill: id, environment: environment)
    }

    @Test func eachDrillEndsAsItsLastEventSaysNewestFirst() {
        var completed = event(.completed, "20261126-100000-aaaaaa")
        completed.outcome = .met
        completed.rtoSeconds = 12.5
        completed.rpoSeconds = 300
        completed.report = "/data/drills/20261126-100000-aaaaaa.md"
        var failed = event(.failed, "20261126-110000-bbbbbb", "staging")
        failed.error = "restore db: pg_restore exited with 1"
        failed.stage = "restore db"
        let entries = [
            DrillSummary.Entry(time: t0.addingTimeInterval(3600 + 5), event: failed),
            DrillSummary.Entry(time: t0, event: event(.started, "20261126-100000-aaaaaa")),
            DrillSummary.Entry(time: t0.addingTimeInterval(3600), event: event(.started, "20261126-110000-bbbbbb", "staging")),
            DrillSummary.Entry(time: t0.addingTimeInterval(20), event: completed),
            DrillSummary.Entry(time: t0.addingTimeInterval(7200), event: event(.started, "20261126-120000-cccccc")),
        ]
        let history = DrillSummary.history(entries)
        #expect(history.map(\.id) == ["20261126-120000-cccccc", "20261126-110000-bbbbbb", "20261126-100000-aaaaaa"])
        #expect(history.map(\.state) == [.running, .failed, .completed])
        #expect(history[2].outcome == .met && history[2].rtoSeconds == 12.5 && history[2].rpoSeconds == 300)
        #expect(history[2].startedAt == t0 && history[2].finishedAt == t0.addingTimeInterval(20))
        #expect(history[2].report == "/data/drills/20261126-100000-aaaaaa.md")
        #expect(history[1].environment == "staging" && history[1].stage == "restore db")
        #expect(history[1].error == "restore db: pg_restore exited with 1")
        #expect(history[0].finishedAt == nil && history[0].outcome == nil)
    }

    /// A drill whose start is no longer among the entries still shows what its end says.
    @Test func anEndWithoutItsStartStillShows() {
        var completed = event(.completed, "20261126-100000-aaaaaa")
        completed.outcome = .missed
        let history = DrillSummary.history([DrillSummary.Entry(time: t0, event: completed)])
        #expect(history.count == 1 && history[0].state == .completed && history[0].outcome == .missed)
        #expect(history[0].startedAt == nil && history[0].finishedAt == t0)
    }
}
