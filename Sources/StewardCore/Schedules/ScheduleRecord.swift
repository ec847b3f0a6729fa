import Foundation

/// What the log says about one schedule: folded from the `schedule.*` events.
///
/// After a restart the scheduler reads this, not a clock it kept: when it began counting
/// (``armedAt``) and the last fire it recorded (``lastFire``), so a run missed while the control
/// plane was down is seen and run once (``ScheduleDecision/due(_:record:now:)``).
public struct ScheduleRecord: Sendable, Equatable, Codable {
    /// The last fire recorded: the fire time it stood for and what it started.
    public struct Fire: Sendable, Equatable, Codable {
        /// The fire time this run stands for (the latest one due when it started).
        public var scheduledFor: Date
        /// When it actually started (late after a downtime).
        public var firedAt: Date
        /// Earlier fire times since the previous run that were not run (the policy runs once).
        public var missed: Int
        /// The backup it started.
        public var backup: String?
        /// The mirror run it started (a schedule of a mirror).
        public var run: String?
        /// Why nothing was started (a fire with an error still counts: it is not tried again).
        public var error: String?

        public init(
            scheduledFor: Date, firedAt: Date, missed: Int = 0, backup: String? = nil, run: String? = nil, error: String? = nil
        ) {
            self.scheduledFor = scheduledFor
            self.firedAt = firedAt
            self.missed = missed
            self.backup = backup
            self.run = run
            self.error = error
        }
    }

    /// The expression and zone the schedule was armed with.
    public var cron: String
    public var timeZone: String
    /// When the scheduler began counting fire times under this expression.
    public var armedAt: Date
    public var lastFire: Fire?

    public init(cron: String, timeZone: String, armedAt: Date, lastFire: Fire? = nil) {
        self.cron = cron
        self.timeZone = timeZone
        self.armedAt = armedAt
        self.lastFire = lastFire
    }
}
