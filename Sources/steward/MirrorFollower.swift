import Foundation
import StewardCore
import StewardOps

/// Follows a mirror run (`GET /api/v1/mirrors/{name}`) until it ends, showing live progress.
///
/// On a terminal the objects handled, the bytes copied and the rate are redrawn in place on
/// stderr; otherwise one line every few seconds. The result goes to stdout.
struct MirrorFollower {
    var client: APIClient
    var output: OutputFormat

    /// Polls until the run `run` of `mirror` is no longer running.
    /// - Returns: the mirror as it stands at the end, and the raw answer.
    /// - Throws: ``CLIError/failed(_:)`` (exit 1) when the run failed or `timeout` passed.
    func follow(_ mirror: String, run: String, timeout: Int) async throws -> (view: MirrorView, data: Data) {
        let terminal = isatty(STDERR_FILENO) != 0
        let started = Date()
        var lastLine = Date.distantPast
        var lastBytes: Int64 = 0
        var lastSample = Date()
        var rate = 0.0
        while true {
            let data = try await client.send("GET", "/api/v1/mirrors/\(mirror.urlPathEncoded)")
            let view = try JSONDecoder.steward.decode(MirrorView.self, from: data)
            guard let operation = view.operation, operation.run == run else {
                throw CLIError.failed("run \(run) of mirror \(mirror) is no longer known to the control plane (restarted?)")
            }
            guard operation.state == .running else {
                if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                if operation.state == .failed {
                    if output == .json { printJSON(data) } else { Steward.Mirror.printOperation(operation) }
                    throw CLIError.failed("\(operation.kind.rawValue) of mirror \(mirror) failed: \(operation.error ?? "no reason given")")
                }
                return (view, data)
            }
            let now = Date()
            if operation.bytes != lastBytes {
                let seconds = now.timeIntervalSince(lastSample)
                if seconds > 0 { rate = Double(operation.bytes - lastBytes) / seconds }
                lastBytes = operation.bytes
                lastSample = now
            }
            let line = "\(operation.kind.rawValue) \(mirror): \(operation.objects) objects, \(BackupFollower.size(operation.bytes)) copied, \(BackupFollower.size(Int64(rate)))/s, \(Int(now.timeIntervalSince(started)))s"
            if terminal {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            } else if now.timeIntervalSince(lastLine) >= 5 {
                printError(line)
                lastLine = now
            }
            guard now.timeIntervalSince(started) < Double(timeout) else {
                throw CLIError.failed("mirror \(mirror) still running after \(timeout)s (it goes on; see `steward mirror list`)")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
