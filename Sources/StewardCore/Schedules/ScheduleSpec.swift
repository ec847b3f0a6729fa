import Foundation

/// One thing the control plane runs on a cron schedule, as the stack file declares it.
///
/// A `backups:` entry with a `schedule` gives one per environment of the stack, because a backup
/// is always of a dependency *in an environment* (its URL and secrets resolve there), exactly as
/// `steward backup create DEPENDENCY --env ENV` takes it. Each has its own id and its own history:
/// `backup:DEPENDENCY:ENVIRONMENT`. A `mirrors:` entry with a `schedule` gives one schedule, because
/// a mirror belongs to the stack, not to an environment: `mirror:NAME`.
public struct ScheduleSpec: Sendable, Equatable {
    /// What a fire starts.
    public enum Kind: String, Sendable, Codable { case backup, mirror }

    /// `backup:DEPENDENCY:ENVIRONMENT` (such as `backup:db:production`) or `mirror:NAME`.
    public var id: String
    public var kind: Kind
    /// backup: the dependency backed up; mirror: the mirror's name.
    public var dependency: String
    /// backup: the environment it is taken in; mirror: empty (mirrors are the stack's).
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

    /// Creates the schedule of a mirror: `mirror:NAME`.
    public init(mirror name: String, cron: CronExpression, timeZone: String) {
        self.id = "\(Kind.mirror.rawValue):\(name)"
        self.kind = .mirror
        self.dependency = name
        self.environment = ""
        self.cron = cron
        self.timeZone = timeZone
    }

    /// The zone, or UTC for a name this system does not know (the stack file refuses those).
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

extension StackSpec {
    /// Every schedule the stack declares, sorted by id: each `backups:` entry with a `schedule`,
    /// once per environment, and each `mirrors:` entry with a `schedule`, once.
    public var schedules: [ScheduleSpec] {
        let backups = backups.flatMap { backup -> [ScheduleSpec] in
            guard let text = backup.schedule, let cron = try? CronExpression(parsing: text) else { return [] }
            return environments.map {
                ScheduleSpec(
                    kind: .backup, dependency: backup.dependency, environment: $0.name, cron: cron, timeZone: backup.timeZone)
            }
        }
        let mirrors = mirrors.compactMap { mirror -> ScheduleSpec? in
            guard let text = mirror.schedule, let cron = try? CronExpression(parsing: text) else { return nil }
            return ScheduleSpec(mirror: mirror.name, cron: cron, timeZone: mirror.timeZone)
        }
        return (backups + mirrors).sorted { $0.id < $1.id }
    }
}
