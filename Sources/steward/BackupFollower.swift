import Foundation
import StewardBackup
import StewardCore
import StewardOps

/// Follows a backup operation (`GET /api/v1/backups/{id}`) until it ends, showing live progress.
///
/// On a terminal the bytes written and the rate are redrawn in place on stderr; otherwise one
/// line every few seconds, so logs of scripted runs stay short. The result goes to stdout.
struct BackupFollower {
    var client: APIClient
    var output: OutputFormat

    /// Follows the operation until it is no longer running.
    ///
    /// A long poll: the control plane answers the moment the operation changes state, or after a
    /// second with the bytes written meanwhile (for the progress line), not on a polling tick.
    /// - Returns: the backup as it stands at the end.
    /// - Throws: ``CLIError/failed(_:)`` (exit 1) when the operation failed or `timeout` passed.
    func follow(_ id: String, timeout: Int) async throws -> (view: BackupView, data: Data) {
        var progress = LiveProgress()
        var data = Data()
        var etag: String?
        while true {
            if let changed = try await client.changed("/api/v1/backups/\(id)", since: etag, waitMs: etag == nil ? 0 : 1000) {
                (data, etag) = changed
            }
            let view = try JSONDecoder.steward.decode(BackupView.self, from: data)
            guard let operation = view.operation, operation.state == .running else {
                progress.end()
                if let operation = view.operation, operation.state == .failed {
                    if output == .json { printJSON(data) }
                    throw CLIError.failed("\(operation.kind.rawValue) of backup \(id) failed: \(operation.error ?? "no reason given")")
                }
                return (view, data)
            }
            try progress.update(
                bytes: operation.bytes, timeout: timeout,
                timedOut: "backup \(id) still running after \(timeout)s (it goes on; see `steward backup show \(id)`)"
            ) { rate, seconds in
                "\(operation.kind.rawValue) \(id): \(LiveProgress.size(operation.bytes)) written, "
                    + "\(LiveProgress.size(Int64(rate)))/s, \(seconds)s"
            }
            if etag == nil { try await progress.pause() }  // a control plane that sends no ETag: poll
        }
    }

    /// One line about a backup for `list` and the end of `create`.
    static func describe(_ view: BackupView) -> String {
        var parts = ["\(view.id)  \(view.environment)/\(view.dependency)"]
        if let manifest = view.manifest {
            parts.append("\(LiveProgress.size(manifest.sizeBytes))  \(manifest.tables.count) tables")
        }
        if let verification = view.verification {
            parts.append(verification.passed ? "verified" : "verification FAILED")
        } else if view.manifest != nil {
            parts.append("not verified")
        }
        if let operation = view.operation, operation.state != .succeeded {
            parts.append("\(operation.kind.rawValue) \(operation.state.rawValue)" + (operation.error.map { ": \($0)" } ?? ""))
        }
        return parts.joined(separator: "  ")
    }
}
