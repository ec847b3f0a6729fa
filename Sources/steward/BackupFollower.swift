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

    /// Polls until the operation is no longer running.
    /// - Returns: the backup as it stands at the end.
    /// - Throws: ``CLIError/failed(_:)`` (exit 1) when the operation failed or `timeout` passed.
    func follow(_ id: String, timeout: Int) async throws -> (view: BackupView, data: Data) {
        var progress = LiveProgress()
        while true {
            let data = try await client.send("GET", "/api/v1/backups/\(id)")
            let view = try JSONDecoder.steward.decode(BackupView.self, from: data)
            guard let operation = view.operation, operation.state == .running else {
                progress.end()
                if let operation = view.operation, operation.state == .failed {
                    if output == .json { printJSON(data) }
                    throw CLIError.failed("\(operation.kind.rawValue) of backup \(id) failed: \(operation.error ?? "no reason given")")
                }
                return (view, data)
            }
            let now = Date()
            progress.sample(bytes: operation.bytes, at: now)
            progress.show(
                "\(operation.kind.rawValue) \(id): \(Self.size(operation.bytes)) written, \(Self.size(Int64(progress.rate)))/s, "
                    + "\(Int(progress.elapsed(at: now)))s",
                at: now)
            guard progress.elapsed(at: now) < Double(timeout) else {
                throw CLIError.failed("backup \(id) still running after \(timeout)s (it goes on; see `steward backup show \(id)`)")
            }
            try await Task.sleep(for: Self.pollInterval(after: progress.elapsed(at: now)))
        }
    }

    /// How long to wait before asking again: a hundredth of the time followed so far, between 20 ms
    /// and 300 ms. A backup of a gigabyte takes seconds, and a fixed 300 ms would add up to 10 % to
    /// what the user waits; from 30 s on it is asked every 300 ms, as before.
    static func pollInterval(after elapsed: TimeInterval) -> Duration {
        .milliseconds(Int64(min(300, max(20, elapsed * 1000 / 100))))
    }

    /// Bytes in a readable unit (KiB, MiB, GiB).
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// One line about a backup for `list` and the end of `create`.
    static func describe(_ view: BackupView) -> String {
        var parts = ["\(view.id)  \(view.environment)/\(view.dependency)"]
        if let manifest = view.manifest {
            parts.append("\(size(manifest.sizeBytes))  \(manifest.tables.count) tables")
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
