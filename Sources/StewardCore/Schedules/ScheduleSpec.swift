import Foundation

/// One thing the control plane runs on a cron schedule, as the stack file declares it.
///
/// A `backups:` entry with a `schedule` gives one per environment of the stack, because a backup
/// is always of a dependency *in an environment* (its URL and secrets resolve there), exactly as
/// `steward backup create DEPENDENCY --env ENV` takes it. Each has its own id and its own history:
/// `backup:DEPENDENCY:ENVIRONMENT`.
public struct ScheduleSpec: Sendable, Equatable {
    /// What a fire starts.
    public enum Kind: String, Sendable, Codable { case backup }

    /// `KIND:DEPENDENCY:ENVIRONMENT`, such as `backup:db:production`.
    public var id: String
    public var kind: Kind
    public var dependency: String
    public var environment: String
    public var cron: CronExpression
    /// The IANA name of the zone the expression is read in.
    public var timeZone: String

    /// Creates a schedule.
    public init(kind: Kind, dependency: String, environment: String, cron: CronExpression, timeZone: String) {
        self.id = "\(kind.rawValue):\(dependency):\(environment)"
        self.kind = kind
        self.dependency = dependency
        self.environment = environment
        self.cron = cron
        self.timeZone = timeZone
    }

    /// The zone, or UTC for a name this system does not know (the stack file refuses those).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

extension StackSpec {
    /// Every schedule the stack declares, sorted by id: each `backups:` entry with a `schedule`,
    /// once per environment.
    public var schedules: [ScheduleSpec] {
        backups.flatMap { backup -> [ScheduleSpec] in
            guard let text = backup.schedule, let cron = try? CronExpression(parsing: text) else { return [] }
            return environments.map {
                ScheduleSpec(
                    kind: .backup, dependency: backup.dependency, environment: $0.name, cron: cron, timeZone: backup.timeZone)
            }
        }.sorted { $0.id < $1.id }
    }
}
