/// How a restore goes: what it may overwrite and what it checks before the swap.
public struct RestoreOptions: Sendable {
    /// Replace a target that already holds tables. Without it such a restore is refused.
    public var force: Bool
    /// Queries that must return no rows in the restored database before it replaces the target.
    public var integrityQueries: [String]
    /// Drop the replaced database after the swap; by default it is kept as `NAME_before_ID`
    /// (a way back, until someone drops it).
    public var dropPrevious: Bool
    /// The database to connect to for CREATE, ALTER and DROP DATABASE.
    public var maintenanceDatabase: String
    /// Runs after the restored copy passed its checks and right before the swap: stop the services
    /// that write to the target here, so they are down only for the swap. Throwing cancels the
    /// restore (the copy is dropped, the target untouched).
    public var beforeSwap: @Sendable () async throws -> Void

    public init(
        force: Bool = false, integrityQueries: [String] = [], dropPrevious: Bool = false,
        maintenanceDatabase: String = "postgres", beforeSwap: @escaping @Sendable () async throws -> Void = {}
    ) {
        self.force = force
        self.integrityQueries = integrityQueries
        self.dropPrevious = dropPrevious
        self.maintenanceDatabase = maintenanceDatabase
        self.beforeSwap = beforeSwap
    }
}

/// What a restore did.
public struct RestoreOutcome: Sendable, Equatable {
    public var backupID: String
    /// The database that now holds the backup (the target's name).
    public var database: String
    /// The database the target was renamed to, when it existed and was kept; nil when dropped or absent.
    public var previousDatabase: String?
    /// The checks the restored copy passed before the swap.
    public var verification: VerificationResult
}
