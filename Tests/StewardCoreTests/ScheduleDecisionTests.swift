import Foundation
import StewardCore
import Testing

/// When a schedule is due, the missed-run policy, and arming from the stack — explicit `now` values only.
struct ScheduleDecisionTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func spec(_ cron: String, zone: String = "UTC") throws -> ScheduleSpec {
        ScheduleSpec(kind: .backup, dependency: "db", environment: "production", cron: try CronExpression(parsing: cron), timeZone: zone)
    }

    /// A new schedule waits for its next fire time, then is due exactly at it.
    @Test func armedScheduleWaitsThenRuns() throws {
        let spec = try Self.spec("0 2 * * *")
        let record = ScheduleRecord(cron: "0 2 * * *", timeZone: "UTC", armedAt: Self.at("2026-01-01T10:00:00Z"))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-02T01:00:00Z"))
                == .wait(until: Self.at("2026-01-02T02:00:00Z")))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-02T02:00:00Z"))
                == .runNow(scheduledFor: Self.at("2026-01-02T02:00:00Z"), missed: 0))
    }

    /// After a downtime that missed three fire times: one run now for the latest, two reported
    /// missed; once it is recorded, the schedule waits for the next one (never a burst).
    @Test func downtimeRunsOnceNow() throws {
        let spec = try Self.spec("0 2 * * *")
        var record = ScheduleRecord(cron: "0 2 * * *", timeZone: "UTC", armedAt: Self.at("2026-01-01T00:00:00Z"))
        record.lastFire = .init(scheduledFor: Self.at("2026-01-02T02:00:00Z"), firedAt: Self.at("2026-01-02T02:00:01Z"))
        let now = Self.at("2026-01-05T09:00:00Z")
        let due = ScheduleDecision.due(spec, record: record, now: now)
        #expect(due == .runNow(scheduledFor: Self.at("2026-01-05T02:00:00Z"), missed: 2))
        record.lastFire = .init(scheduledFor: Self.at("2026-01-05T02:00:00Z"), firedAt: now, missed: 2)
        #expect(ScheduleDecision.due(spec, record: record, now: now) == .wait(until: Self.at("2026-01-06T02:00:00Z")))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-05T23:00:00Z"))
                == .wait(until: Self.at("2026-01-06T02:00:00Z")))
    }

    /// A run that started late does not make the fire times it overlapped due.
    @Test func lateRunCountsFromWhenItStarted() throws {
        let spec = try Self.spec("*/5 * * * *")
        var record = ScheduleRecord(cron: "*/5 * * * *", timeZone: "UTC", armedAt: Self.at("2026-01-01T00:00:00Z"))
        record.lastFire = .init(scheduledFor: Self.at("2026-01-01T10:00:00Z"), firedAt: Self.at("2026-01-01T10:07:00Z"))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-01T10:08:00Z"))
                == .wait(until: Self.at("2026-01-01T10:10:00Z")))
    }

    /// A schedule re-armed (its expression changed) counts from then, not from its last run.
    @Test func rearmedScheduleCountsFromArming() throws {
        let spec = try Self.spec("0 3 * * *")
        var record = ScheduleRecord(cron: "0 3 * * *", timeZone: "UTC", armedAt: Self.at("2026-01-10T12:00:00Z"))
        record.lastFire = .init(scheduledFor: Self.at("2026-01-01T02:00:00Z"), firedAt: Self.at("2026-01-01T02:00:00Z"))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-10T13:00:00Z"))
                == .wait(until: Self.at("2026-01-11T03:00:00Z")))
    }

    /// A minutely schedule down for a year: one run, the missed count stops at its limit.
    @Test func missedCountIsBounded() throws {
        let spec = try Self.spec("* * * * *")
        let record = ScheduleRecord(cron: "* * * * *", timeZone: "UTC", armedAt: Self.at("2025-01-01T00:00:00Z"))
        guard case .runNow(let scheduledFor, let missed) = ScheduleDecision.due(spec, record: record, now: Self.at("2026-01-01T00:00:00Z"))
        else { Issue.record("not due"); return }
        #expect(missed == ScheduleDecision.missedCountLimit)
        #expect(scheduledFor <= Self.at("2026-01-01T00:00:00Z"))
    }

    /// Across the New York spring-forward gap: armed the evening before, down until 04:00 EDT:
    /// one run for the gap's 03:00 EDT, nothing missed.
    @Test func downtimeAcrossSpringForward() throws {
        let spec = try Self.spec("30 2 * * *", zone: "America/New_York")
        let record = ScheduleRecord(cron: "30 2 * * *", timeZone: "America/New_York", armedAt: Self.at("2026-03-08T01:00:00Z"))
        #expect(
            ScheduleDecision.due(spec, record: record, now: Self.at("2026-03-08T08:00:00Z"))
                == .runNow(scheduledFor: Self.at("2026-03-08T07:00:00Z"), missed: 0))
    }

    /// An expression that never fires waits for nothing.
    @Test func neverFiring() throws {
        let spec = try Self.spec("0 0 30 2 *")
        let record = ScheduleRecord(cron: "0 0 30 2 *", timeZone: "UTC", armedAt: Self.at("2026-01-01T00:00:00Z"))
        #expect(ScheduleDecision.due(spec, record: record, now: Self.at("2026-06-01T00:00:00Z")) == .wait(until: nil))
    }

    /// New and changed schedules are armed, known ones left alone, removed ones disarmed; a
    /// re-armed schedule keeps its last run.
    @Test func reconcileArmsAndDisarms() throws {
        let now = Self.at("2026-01-01T12:00:00Z")
        let daily = try Self.spec("0 2 * * *")
        var state = StackState()
        let first = ScheduleDecision.reconcile([daily], records: state.schedules, now: now)
        #expect(first.map(\.type) == ["schedule.armed"])
        for event in first { state.apply(.schedule(event)) }
        #expect(ScheduleDecision.reconcile([daily], records: state.schedules, now: now).isEmpty)
        let fire = ScheduleRecord.Fire(scheduledFor: Self.at("2026-01-02T02:00:00Z"), firedAt: Self.at("2026-01-02T02:00:00Z"), backup: "b1")
        state.apply(.schedule(.fired(daily.id, fire)))
        let changed = try Self.spec("0 4 * * *")
        let rearm = ScheduleDecision.reconcile([changed], records: state.schedules, now: Self.at("2026-01-03T00:00:00Z"))
        #expect(rearm.map(\.type) == ["schedule.armed"])
        for event in rearm { state.apply(.schedule(event)) }
        #expect(state.schedules[daily.id]?.cron == "0 4 * * *")
        #expect(state.schedules[daily.id]?.lastFire == fire)
        let removed = ScheduleDecision.reconcile([], records: state.schedules, now: now)
        #expect(removed.map(\.type) == ["schedule.disarmed"])
        for event in removed { state.apply(.schedule(event)) }
        #expect(state.schedules.isEmpty)
    }

    /// A `backups:` entry with a schedule gives one schedule per environment.
    @Test func backupEntryGivesOnePerEnvironment() throws {
        let text = """
            version: 1
            stack: shop
            dependencies:
              db: {type: postgres, url: "postgres://app@127.0.0.1:5432/app"}
            services:
              api: {command: /bin/true}
            environments:
              staging: {}
              production: {}
            backups:
              - dependency: db
                schedule: "0 2 * * *"
                timeZone: America/New_York
            """
        guard case .success(let stack) = StackFile.parse(text, file: "steward.yaml") else {
            Issue.record("the stack does not parse")
            return
        }
        #expect(stack.schedules.map(\.id) == ["backup:db:production", "backup:db:staging"])
        #expect(stack.schedules.allSatisfy { $0.timeZone == "America/New_York" && $0.cron.source == "0 2 * * *" })
    }
}
