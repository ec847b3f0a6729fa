/// A backup or a restore the log shows started and never ended: the control plane that ran it
/// stopped (a crash, a SIGKILL, a power cut) before recording its outcome.
///
/// After a restart each one is cleaned up and ended in the log: a backup's partial artifact is
/// removed and `backup.failed` recorded; a verification's scratch database is dropped and
/// `backup.verified` records it did not pass; a restore's leftover copy is dropped (or a swap cut
/// between its two renames undone), the services stopped for it are started again, and
/// `backup.restored` or `backup.restore-failed` says which way it went. This type only finds them.
public struct InterruptedBackupWork: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `backup.started` without `backup.created` or `backup.failed`.
        case create
        /// `backup.verify-started` without `backup.verified`.
        case verify
        /// `backup.restore-started` without `backup.restored` or `backup.restore-failed`.
        case restore
    }

    public var kind: Kind
    public var backup: String
    public var environment: String
    public var dependency: String
    /// restore: the database being replaced.
    public var target: String?
    /// restore: the services stopped for its swap (``stopReason(for:)``), in the order they stopped.
    public var stoppedServices: [String]

    public init(
        kind: Kind, backup: String, environment: String, dependency: String, target: String? = nil,
        stoppedServices: [String] = []
    ) {
        self.kind = kind
        self.backup = backup
        self.environment = environment
        self.dependency = dependency
        self.target = target
        self.stoppedServices = stoppedServices
    }

    /// The `reason` of the `service.stopped` a restore records for each service it stops before its swap.
    public static func stopReason(for backup: String) -> String { "restore of backup \(backup)" }

    /// One event of the log that matters here, in the log's order.
    public enum Entry: Sendable {
        case backup(BackupEvent)
        case serviceStopped(ServiceStopped)
    }

    /// The work `entries` (oldest first) started and did not end, oldest first.
    ///
    /// A backup or restore started again after an end counts from its last start.
    public static func find(in entries: [Entry]) -> [InterruptedBackupWork] {
        var open: [String: InterruptedBackupWork] = [:]
        var order: [String] = []
        func key(_ kind: Kind, _ backup: String) -> String { "\(kind.rawValue)/\(backup)" }
        for entry in entries {
            switch entry {
            case .backup(let event):
                switch event.change {
                case .started, .verifyStarted, .restoreStarted:
                    let kind: Kind = event.change == .started ? .create : event.change == .verifyStarted ? .verify : .restore
                    let work = InterruptedBackupWork(
                        kind: kind, backup: event.backup, environment: event.environment, dependency: event.dependency,
                        target: kind == .restore ? event.target : nil)
                    open[key(kind, event.backup)] = work
                    order.removeAll { $0 == key(kind, event.backup) }
                    order.append(key(kind, event.backup))
                case .created, .failed:
                    open[key(.create, event.backup)] = nil
                case .verified:
                    open[key(.verify, event.backup)] = nil
                case .restored, .restoreFailed:
                    open[key(.restore, event.backup)] = nil
                case .pruned:
                    break
                }
            case .serviceStopped(let stopped):
                for (name, work) in open
                where work.kind == .restore && stopped.reason == stopReason(for: work.backup)
                    && stopped.target.environment == work.environment
                {
                    open[name]?.stoppedServices.append(stopped.target.service)
                }
            }
        }
        return order.compactMap { open[$0] }
    }
}
