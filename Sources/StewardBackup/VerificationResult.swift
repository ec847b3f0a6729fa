import Foundation

/// The outcome of checking a backup by restoring it: passed, or failed with every reason.
public struct VerificationResult: Sendable, Codable, Equatable {
    public var backupID: String
    public var verifiedAt: Date
    /// True when `failures` is empty.
    public var passed: Bool
    /// Every problem found (checksum, restore errors, row counts, integrity queries); empty when passed.
    public var failures: [String]
    /// What was checked and held ("sha256 matches", "public.orders: 2000 rows").
    public var checks: [String]
    /// The database it was restored into (dropped again by a verification).
    public var database: String
    public var durationSeconds: Double

    public init(
        backupID: String, verifiedAt: Date, failures: [String], checks: [String], database: String,
        durationSeconds: Double
    ) {
        self.backupID = backupID
        self.verifiedAt = verifiedAt
        self.passed = failures.isEmpty
        self.failures = failures
        self.checks = checks
        self.database = database
        self.durationSeconds = durationSeconds
    }
}
