import StewardCore
import Testing

/// Finding the backups and restores a restart cut short, from the log's events.
@Suite struct InterruptedBackupWorkTests {
    static func event(_ change: BackupEvent.Change, _ backup: String, target: String? = nil) -> InterruptedBackupWork.Entry {
        var event = BackupEvent(change, backup: backup, environment: "production", dependency: "db")
        event.target = target
        return .backup(event)
    }

    static func stopped(_ service: String, reason: String, environment: String = "production") -> InterruptedBackupWork.Entry {
        .serviceStopped(ServiceStopped(target: ServiceEnvironment(service: service, environment: environment), release: 1, reason: reason))
    }

    /// Started and ended work is not interrupted; started and not ended is, oldest first.
    @Test func startedWithoutAnEndIsInterrupted() {
        let found = InterruptedBackupWork.find(in: [
            Self.event(.started, "b1"), Self.event(.created, "b1"), Self.event(.verified, "b1"),
            Self.event(.started, "b2"), Self.event(.failed, "b2"),
            Self.event(.started, "b3"),
            Self.event(.restoreStarted, "b1", target: "shop"), Self.event(.restored, "b1", target: "shop"),
            Self.event(.restoreStarted, "b2", target: "shop"),
            Self.event(.verifyStarted, "b1"), Self.event(.verified, "b1"),
            Self.event(.verifyStarted, "b4"),
        ])
        #expect(found == [
            InterruptedBackupWork(kind: .create, backup: "b3", environment: "production", dependency: "db"),
            InterruptedBackupWork(kind: .restore, backup: "b2", environment: "production", dependency: "db", target: "shop"),
            InterruptedBackupWork(kind: .verify, backup: "b4", environment: "production", dependency: "db"),
        ])
    }

    /// A restore's stopped services are those stopped for it, in its environment, after it started.
    @Test func aRestoreCollectsTheServicesStoppedForIt() {
        let reason = InterruptedBackupWork.stopReason(for: "b1")
        let found = InterruptedBackupWork.find(in: [
            Self.stopped("early", reason: reason),
            Self.event(.restoreStarted, "b1", target: "shop"),
            Self.stopped("api", reason: reason),
            Self.stopped("worker", reason: "stopped by alice"),
            Self.stopped("other-env", reason: reason, environment: "staging"),
            Self.stopped("jobs", reason: reason),
        ])
        #expect(found.map(\.stoppedServices) == [["api", "jobs"]])
        #expect(found.first?.kind == .restore)
    }

    /// Work started again after it ended counts from its last start; a restore failed is ended.
    @Test func theLastStartCounts() {
        let found = InterruptedBackupWork.find(in: [
            Self.event(.restoreStarted, "b1", target: "a"), Self.event(.restoreFailed, "b1", target: "a"),
            Self.event(.restoreStarted, "b1", target: "b"),
        ])
        #expect(found.map(\.target) == ["b"])
        #expect(InterruptedBackupWork.find(in: []).isEmpty)
    }
}

/// What a restore cut short left on its server decides the clean-up.
@Suite struct RestoreLeftoversTests {
    static func plan(target: Bool, copy: Bool, previous: Bool) -> RestoreLeftovers.Plan {
        RestoreLeftovers.plan(
            .init(target: target, copy: copy, previous: previous), target: "shop", copy: "shop_restore_x",
            previous: "shop_before_x")
    }

    /// A copy beside the target: the swap had not begun; the copy goes, the target is opened again.
    @Test func aCopyBesideTheTargetIsDropped() {
        for previous in [false, true] {
            let plan = Self.plan(target: true, copy: true, previous: previous)
            #expect(plan.actions == [.reopenTarget, .dropCopy])
            #expect(plan.verdict == .notSwapped)
        }
    }

    /// The target renamed away and the copy not yet in its place: the original gets its name back.
    @Test func aSwapCutBetweenItsRenamesIsUndone() {
        let plan = Self.plan(target: false, copy: true, previous: true)
        #expect(plan.actions == [.renamePreviousBack, .reopenTarget, .dropCopy])
        #expect(plan.verdict == .notSwapped)
        #expect(plan.summary.contains("shop_before_x was renamed back to shop"))
        #expect(Self.plan(target: false, copy: false, previous: true).actions == [.renamePreviousBack, .reopenTarget])
    }

    /// The target with its original kept beside it and no copy: the swap happened.
    @Test func aFinishedSwapIsKept() {
        let plan = Self.plan(target: true, copy: false, previous: true)
        #expect(plan.actions == [.reopenPrevious])
        #expect(plan.verdict == .swapped)
        #expect(plan.keptAs == "shop_before_x")
    }

    /// The remaining cases: nothing to undo, or a copy of a target that did not exist.
    @Test func theOtherCases() {
        #expect(Self.plan(target: true, copy: false, previous: false).verdict == .undecided)
        #expect(Self.plan(target: true, copy: false, previous: false).actions == [.reopenTarget])
        #expect(Self.plan(target: false, copy: true, previous: false).actions == [.dropCopy])
        #expect(Self.plan(target: false, copy: false, previous: false).actions.isEmpty)
        #expect(Self.plan(target: false, copy: false, previous: false).verdict == .notSwapped)
    }
}
