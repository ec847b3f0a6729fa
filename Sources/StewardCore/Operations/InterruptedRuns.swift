/// Migration runs and mirror runs the log shows started and never ended: the control plane that
/// ran them was killed first. A restarted one ends each in the log (``InterruptedBackupWork`` does
/// the same for backups and restores).
public enum InterruptedRuns {
    /// The `migration.started` of each run (oldest first) with no `migration.failed` after it and
    /// not every version it planned applied or reverted.
    ///
    /// PostgreSQL rolled back the transaction of the migration that was running; the ones before it
    /// committed (their `migration.applied` or `migration.reverted` say so).
    public static func migrations(in events: [MigrationEvent]) -> [MigrationEvent] {
        var started: [String: MigrationEvent] = [:]
        var order: [String] = []
        var done: [String: Set<Int>] = [:]
        for event in events {
            switch event.change {
            case .started:
                started[event.run] = event
                order.append(event.run)
            case .applied, .reverted:
                if let version = event.version { done[event.run, default: []].insert(version) }
            case .failed:
                started[event.run] = nil
            case .validated:
                break
            }
        }
        return order.compactMap { run in
            guard let event = started[run] else { return nil }
            return Set(event.versions ?? []).isSubset(of: done[run] ?? []) ? nil : event
        }
    }

    /// The `mirror.started` of each run (oldest first) with no `mirror.synced`, `mirror.restored`
    /// or `mirror.failed` after it.
    public static func mirrors(in events: [MirrorEvent]) -> [MirrorEvent] {
        var started: [String: MirrorEvent] = [:]
        var order: [String] = []
        for event in events {
            switch event.change {
            case .started:
                started[event.run] = event
                order.append(event.run)
            case .synced, .restored, .failed:
                started[event.run] = nil
            }
        }
        return order.compactMap { started[$0] }
    }
}
