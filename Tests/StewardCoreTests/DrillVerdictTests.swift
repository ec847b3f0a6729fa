import Foundation
import StewardCore
import Testing

/// The drill's pure decisions: the verdict against `recovery:`, the recovery point, the names of drills and
/// their instances.
struct DrillVerdictTests {
    static let objectives = RecoveryObjectivesSpec(rto: .hours(4), rpo: .hours(24))

    /// Both figures within their objectives: met, with each check saying so.
    @Test func bothWithinObjectivesAreMet() {
        let verdict = DrillVerdict.judge(rtoSeconds: 95, rpoSeconds: 3600, objectives: Self.objectives)
        #expect(verdict.outcome == .met)
        #expect(verdict.rto == DrillVerdict.Check(objective: .hours(4), achievedSeconds: 95))
        #expect(verdict.rto?.met == true && verdict.rpo?.met == true)
    }

    /// A figure exactly at its objective meets it; one millisecond more misses it.
    @Test func boundaryMeetsAndBeyondMisses() {
        #expect(DrillVerdict.judge(rtoSeconds: 14_400, rpoSeconds: 86_400, objectives: Self.objectives).outcome == .met)
        let late = DrillVerdict.judge(rtoSeconds: 14_400.001, rpoSeconds: 10, objectives: Self.objectives)
        #expect(late.outcome == .missed)
        #expect(late.rto?.met == false && late.rpo?.met == true)
    }

    /// An old backup misses the RPO even when recovery was fast.
    @Test func oldBackupMissesTheRecoveryPoint() {
        let verdict = DrillVerdict.judge(rtoSeconds: 30, rpoSeconds: 90_000, objectives: Self.objectives)
        #expect(verdict.outcome == .missed)
        #expect(verdict.rpo?.met == false)
    }

    /// A stack without `recovery:` is reported, not judged.
    @Test func noObjectivesAreNotDeclared() {
        let verdict = DrillVerdict.judge(rtoSeconds: 30, rpoSeconds: 90_000, objectives: nil)
        #expect(verdict == DrillVerdict(outcome: .notDeclared, rto: nil, rpo: nil))
    }

    /// Several databases: the oldest snapshot sets the recovery point; none restored gives nil.
    @Test func recoveryPointIsTheOldestSnapshot() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let snapshots = [start.addingTimeInterval(-60), start.addingTimeInterval(-7200), start.addingTimeInterval(5)]
        #expect(DrillVerdict.recoveryPoint(snapshots: snapshots, start: start) == 7200)
        #expect(DrillVerdict.recoveryPoint(snapshots: [start.addingTimeInterval(5)], start: start) == 0)
        #expect(DrillVerdict.recoveryPoint(snapshots: [], start: start) == nil)
    }

    /// Drill ids have the backup-like shape; anything else is refused.
    @Test func drillIDs() {
        let id = DrillID.new(at: Date(timeIntervalSince1970: 1_795_000_000), random: 0xA1B2C3)
        #expect(id == "20261118-110640-a1b2c3")
        #expect(DrillID.isValid(id))
        for bad in ["", "20261116-054640-A1B2C3", "20261116-054640-a1b2c", "x0261116-054640-a1b2c3", "../../etc/passwd"] {
            #expect(!DrillID.isValid(bad), "\(bad)")
        }
    }

    /// Drill instances are recognised by the whole shape: a service named `drill` is not a drill.
    @Test func drillInstancesAreRecognised() {
        let id = "20261116-054640-a1b2c3"
        let instance = DrillID.instanceID(drill: id, service: "api", index: 0)
        #expect(instance == "drill-20261116-054640-a1b2c3-api-0")
        #expect(DrillID.drill(ofInstance: instance) == id)
        #expect(!DrillID.isDrillInstance("drill-production-r3-0"))
        #expect(!DrillID.isDrillInstance("api-production-r3-0"))
    }
}
