import Foundation
import StewardCore
import Testing

/// Retention decisions: pure, `now` given, no clock.
@Suite struct BackupRetentionTests {
    /// 2026-11-26 12:00 UTC.
    let now = Date(timeIntervalSince1970: 1_795_694_400)

    private func backup(_ id: String, daysAgo: Double, verified: Bool = true, environment: String = "production")
        -> RetainedBackup
    {
        RetainedBackup(
            id: id, createdAt: now.addingTimeInterval(-daysAgo * 86_400), environment: environment, dependency: "db",
            verified: verified)
    }

    private func kept(_ decisions: [RetentionDecision]) -> [String] { decisions.filter(\.keep).map(\.backup.id) }
    private func deleted(_ decisions: [RetentionDecision]) -> [String] { decisions.filter { !$0.keep }.map(\.backup.id) }

    /// `maxAge: 7d` (the guides' `find -mtime +7 -delete`) deletes what is older, with the reason.
    @Test func maxAgeDeletesOlderBackups() {
        let backups = (0..<10).map { backup("b\($0)", daysAgo: Double($0)) }
        let decisions = BackupRetention.decide(backups, policy: RetentionSpec(maxAge: .days(7)), now: now)
        #expect(kept(decisions) == ["b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"])
        #expect(deleted(decisions) == ["b8", "b9"])
        #expect(decisions.last?.reasons == ["no rule keeps it (maxAge 7d)"])
        #expect(decisions.first?.reasons == ["the newest verified backup (always kept)", "younger than 7d"])
    }

    /// However far the clock jumps, the newest verified backup stays, even when newer ones are unverified.
    @Test func newestVerifiedBackupIsAlwaysKept() {
        let backups = [
            backup("unverified-new", daysAgo: 400, verified: false),
            backup("verified", daysAgo: 401),
            backup("verified-old", daysAgo: 402),
        ]
        let decisions = BackupRetention.decide(backups, policy: RetentionSpec(maxAge: .days(30), keepLast: 0), now: now)
        #expect(kept(decisions) == ["verified"])
        #expect(deleted(decisions) == ["unverified-new", "verified-old"])

        let none = [backup("a", daysAgo: 90, verified: false), backup("b", daysAgo: 91, verified: false)]
        let unverified = BackupRetention.decide(none, policy: RetentionSpec(maxAge: .days(1)), now: now)
        #expect(kept(unverified) == ["a"])
        #expect(unverified.first?.reasons == ["the newest backup, and none is verified (always kept)"])
    }

    /// `keepLast` keeps the newest N, whatever their age.
    @Test func keepLastKeepsTheNewest() {
        let backups = (0..<5).map { backup("b\($0)", daysAgo: Double($0) * 100) }
        let decisions = BackupRetention.decide(backups, policy: RetentionSpec(keepLast: 3), now: now)
        #expect(kept(decisions) == ["b0", "b1", "b2"])
        #expect(decisions[1].reasons == ["one of the last 3"])
    }

    /// Daily / weekly / monthly keep one backup per calendar period, preferring a verified one,
    /// for the N newest periods; rules are a union (monthlies outlive maxAge).
    @Test func calendarBucketsPreferVerified() {
        let backups = [
            backup("today-late", daysAgo: 0, verified: false),
            backup("today-early", daysAgo: 0.25),
            backup("yesterday", daysAgo: 1),
            backup("two-days", daysAgo: 2),
            backup("last-month", daysAgo: 40),
            backup("two-months", daysAgo: 70),
            backup("three-months", daysAgo: 100),
        ]
        let decisions = BackupRetention.decide(backups, policy: RetentionSpec(keepDaily: 2, keepMonthly: 3), now: now)
        #expect(kept(decisions) == ["today-early", "yesterday", "last-month", "two-months"])
        #expect(deleted(decisions) == ["today-late", "two-days", "three-months"])
        let reasons = Dictionary(uniqueKeysWithValues: decisions.map { ($0.backup.id, $0.reasons) })
        #expect(reasons["today-early"]!.contains("daily 2026-11-26"))
        #expect(reasons["today-early"]!.contains("monthly 2026-11"))
        #expect(reasons["yesterday"] == ["daily 2026-11-25"])
        #expect(reasons["last-month"] == ["monthly 2026-10"])

        let weekly = BackupRetention.decide(
            (0..<30).map { backup("d\($0)", daysAgo: Double($0)) }, policy: RetentionSpec(keepWeekly: 2), now: now)
        // Thursday 2026-11-26: the newest of this ISO week (W48, from Monday 23) and of the one before (Sunday 22).
        #expect(kept(weekly) == ["d0", "d4"])
        #expect(weekly[4].reasons == ["weekly 2026-W47"])
    }

    /// Each environment is decided with its own policy; one without a policy keeps everything.
    @Test func policiesArePerEnvironment() {
        let backups = [
            backup("p-new", daysAgo: 1), backup("p-old", daysAgo: 40),
            backup("s-new", daysAgo: 1, environment: "staging"), backup("s-old", daysAgo: 8, environment: "staging"),
            backup("d-old", daysAgo: 500, environment: "development"),
            backup("d-older", daysAgo: 600, environment: "development"),
        ]
        let decisions = BackupRetention.decide(
            backups, policies: ["production": RetentionSpec(maxAge: .days(30)), "staging": RetentionSpec(maxAge: .days(7))],
            now: now)
        #expect(deleted(decisions) == ["p-old", "s-old"])
        #expect(decisions.first { $0.backup.id == "d-older" }?.reasons == ["no retention policy for development"])
    }

    /// Input order never changes the answer.
    @Test func orderDoesNotMatter() {
        let backups = (0..<12).map { backup("b\($0)", daysAgo: Double($0) * 3, verified: $0 % 3 == 0) }
        let policy = RetentionSpec(maxAge: .days(10), keepLast: 2, keepWeekly: 3)
        #expect(
            BackupRetention.decide(backups, policy: policy, now: now)
                == BackupRetention.decide(backups.reversed(), policy: policy, now: now))
    }
}
