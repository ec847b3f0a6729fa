import Foundation

/// How a disaster-recovery drill's figures compare with the stack's `recovery:` objectives.
///
/// Pure: ``judge(rtoSeconds:rpoSeconds:objectives:)`` takes the measured figures and the declared
/// objectives and says, per objective, whether it was met. A figure equal to its objective meets it.
/// A stack without `recovery:` is not a failure: the outcome is ``Outcome/notDeclared`` and the
/// report says so.
public struct DrillVerdict: Sendable, Codable, Equatable {
    /// The drill's overall outcome against its objectives.
    public enum Outcome: String, Sendable, Codable {
        /// Every declared objective was met.
        case met
        /// At least one objective was missed.
        case missed
        /// The stack declares no `recovery:`: the figures are reported, nothing is judged.
        case notDeclared = "not-declared"
    }

    /// One objective and the figure measured against it.
    public struct Check: Sendable, Codable, Equatable {
        /// The objective from the stack file (`4h`).
        public var objective: TimeSpan
        /// What the drill achieved, in seconds.
        public var achievedSeconds: Double
        /// True when the achieved figure is at most the objective.
        public var met: Bool

        public init(objective: TimeSpan, achievedSeconds: Double) {
            self.objective = objective
            self.achievedSeconds = achievedSeconds
            self.met = achievedSeconds <= objective.seconds
        }
    }

    public var outcome: Outcome
    /// Recovery time: from the start of the drill to every drill instance healthy; nil when not declared.
    public var rto: Check?
    /// Recovery point: the age, at the start of the drill, of the newest restored transaction; nil when not declared.
    public var rpo: Check?

    public init(outcome: Outcome, rto: Check?, rpo: Check?) {
        self.outcome = outcome
        self.rto = rto
        self.rpo = rpo
    }

    /// Judges measured figures against the stack's objectives.
    ///
    /// - Parameters:
    ///   - rtoSeconds: Seconds from the drill's start until every drill instance was healthy.
    ///   - rpoSeconds: Seconds between the newest restored transaction and the drill's start.
    ///   - objectives: The stack's `recovery:`; nil when it declares none.
    /// - Returns: `met` when both objectives hold, `missed` when either does not, `notDeclared` without objectives.
    public static func judge(rtoSeconds: Double, rpoSeconds: Double, objectives: RecoveryObjectivesSpec?) -> DrillVerdict {
        guard let objectives else { return DrillVerdict(outcome: .notDeclared, rto: nil, rpo: nil) }
        let rto = Check(objective: objectives.rto, achievedSeconds: rtoSeconds)
        let rpo = Check(objective: objectives.rpo, achievedSeconds: rpoSeconds)
        return DrillVerdict(outcome: rto.met && rpo.met ? .met : .missed, rto: rto, rpo: rpo)
    }

    /// The recovery point of several restored databases: the oldest newest-transaction counts.
    ///
    /// - Parameters:
    ///   - snapshots: When each restored backup's snapshot was taken (everything committed before it is in it).
    ///   - start: When the drill started.
    /// - Returns: The largest age in seconds (never negative), or nil when nothing was restored.
    public static func recoveryPoint(snapshots: [Date], start: Date) -> Double? {
        snapshots.map { max(0, start.timeIntervalSince($0)) }.max()
    }
}
