/// The three kinds of pgBackRest backup.
///
/// A differential copies what changed since the last full backup, an incremental what changed
/// since the last backup of any kind; both need the backups they reference to restore.
public enum PgBackRestBackupType: String, Sendable, Codable, CaseIterable {
    /// Every file of the cluster.
    case full
    /// The files changed since the last full backup.
    case diff
    /// The files changed since the last backup of any type.
    case incr
}
