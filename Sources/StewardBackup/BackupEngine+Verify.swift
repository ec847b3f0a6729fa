import Foundation
import Logging

extension BackupEngine {
    /// Checks a backup end to end and records the result beside it (`ID.verification.json`).
    ///
    /// The artifact's checksum is recomputed first (a bucket's artifact is downloaded into a 0600
    /// file of a private directory for that; a mismatch fails without restoring); then it is
    /// restored into a scratch database `steward_verify_ID` created on `serverURL`'s server, its row
    /// counts are compared with the manifest and every integrity query must return zero rows. The
    /// scratch database is dropped whatever happened.
    /// - Parameters:
    ///   - serverURL: a server to restore into, normally the one backed up (its database is only used to connect).
    ///   - integrityQueries: queries that must return no rows (orphan checks).
    /// - Returns: passed, or failed with every reason; errors reaching the server are failures too.
    public func verify(_ id: String, serverURL: String, integrityQueries: [String] = []) async throws -> VerificationResult {
        let manifest = try await store.manifest(id)
        let server = try PostgresTarget(url: serverURL)
        let clock = ContinuousClock()
        let started = clock.now
        let scratch = Self.databaseName("steward", "verify", id: id)
        let scratchFiles = try PrivateDirectory()
        defer { scratchFiles.remove() }
        var (artifact, failures, checks) = await fetchAndCheck(manifest, scratch: scratchFiles)
        if failures.isEmpty, let artifact {
            do {
                let outcome = try await restoreAndCheck(
                    manifest, artifact: artifact, server: server, database: scratch, integrityQueries: integrityQueries)
                failures += outcome.failures
                checks += outcome.checks
            } catch {
                failures.append("\(error)")
            }
            do {
                try await BackupSQL.with(server, logger: logger) { try await $0.drop(scratch) }
            } catch {
                failures.append("the scratch database \(scratch) could not be dropped: \(error)")
            }
        }
        let result = VerificationResult(
            backupID: id, verifiedAt: Date(), failures: failures, checks: checks, database: scratch,
            durationSeconds: Self.seconds(clock.now - started))
        try await store.save(result)
        logger.info(
            result.passed ? "backup verified" : "backup verification failed",
            metadata: ["backup": "\(id)", "failures": "\(failures.joined(separator: "; "))"])
        return result
    }
}
