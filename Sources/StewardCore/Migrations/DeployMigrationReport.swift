import Foundation

/// What a deployment's pre-deployment checklist says about one `deploy.migrate` database: its
/// pending migrations, by version and name, with what became of each, and the failure, if any,
/// that fails the deployment.
///
/// Decided from the migration run's outcome alone, so the wording is tested without a database.
/// The items go into `deployment.checked` (`items`) and the deployment's view; the failure into
/// its `failures` (and so into the deployment's reason).
public struct DeployMigrationReport: Sendable, Equatable {
    /// Why a run stopped, as the migration runner says it.
    public struct Stop: Sendable, Equatable {
        /// The sentence for a person (secrets already masked).
        public var message: String
        /// The migration that failed and was rolled back; nil when the run was refused before any
        /// migration ran (drift, a missing file, a backup that did not pass, the lock not granted).
        public var version: Int?

        public init(message: String, version: Int?) {
            self.message = message
            self.version = version
        }
    }

    /// One line per pending migration (`db: 0002_add_price applied`), or one line saying there was
    /// none, or why none could be listed.
    public var items: [String]
    /// What fails the deployment; nil when the database is ready for the new release.
    public var failure: String?

    /// The report of one run.
    ///
    /// - Parameters:
    ///   - dependency: the database, as named in `deploy.migrate`.
    ///   - planned: the pending migrations the run planned under the lock, in order; empty when
    ///     none was pending or the run stopped before planning.
    ///   - applied: the versions whose transactions committed.
    ///   - stop: why the run stopped early, if it did.
    ///   - validationFailures: the `backups:` entry's integrity queries that did not hold after the run.
    public init(
        dependency: String, planned: [MigrationScript], applied: [Int], stop: Stop?, validationFailures: [String] = []
    ) {
        guard !planned.isEmpty else {
            if let stop {
                items = ["\(dependency): migrations refused, nothing ran: \(stop.message)"]
                failure = "the migrations of \(dependency) were refused, nothing ran: \(stop.message)"
            } else {
                items = ["\(dependency): no pending migrations"]
                failure = nil
            }
            return
        }
        items = planned.map { script in
            let outcome: String
            if applied.contains(script.version) {
                outcome = "applied"
            } else if let version = stop?.version, version == script.version {
                outcome = "failed, rolled back"
            } else {
                outcome = stop == nil ? "pending" : "pending, not applied"
            }
            return "\(dependency): \(script.label) \(outcome)"
        }
        if let stop {
            if let version = stop.version, let script = planned.first(where: { $0.version == version }) {
                failure = "migration \(script.label) of \(dependency) failed: \(stop.message)"
            } else {
                failure = "the migrations of \(dependency) did not run: \(stop.message)"
            }
        } else if !validationFailures.isEmpty {
            failure = "the migrations of \(dependency) were applied, but the integrity queries did not hold: "
                + validationFailures.joined(separator: "; ")
        } else {
            failure = nil
        }
    }
}
