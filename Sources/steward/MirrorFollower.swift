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
        var progress = LiveProgress()
        while true {
            let data = try await client.send("GET", "/api/v1/mirrors/\(mirror.urlPathEncoded)")
            let view = try JSONDecoder.steward.decode(MirrorView.self, from: data)
            guard let operation = view.operation, operation.run == run else {
                throw CLIError.failed("run \(run) of mirror \(mirror) is no longer known to the control plane (restarted?)")
            }
            guard operation.state == .running else {
                progress.end()
                if operation.state == .failed {
                    if output == .json { printJSON(data) } else { Steward.Mirror.printOperation(operation) }
                    throw CLIError.failed("\(operation.kind.rawValue) of mirror \(mirror) failed: \(operation.error ?? "no reason given")")
                }
                return (view, data)
            }
            try progress.update(
                bytes: operation.bytes, timeout: timeout,
                timedOut: "mirror \(mirror) still running after \(timeout)s (it goes on; see `steward mirror list`)"
            ) { rate, seconds in
                "\(operation.kind.rawValue) \(mirror): \(operation.objects) objects, "
                    + "\(LiveProgress.size(operation.bytes)) copied, \(LiveProgress.size(Int64(rate)))/s, "
                    + "\(seconds)s"
            }
            try await progress.pause()
        }
    }
}
