import Foundation
import StewardCore
import StewardOps

/// Follows a migration run (`GET /api/v1/migrations/{dependency}?environment=E`) until it ends,
/// printing each stage on stderr as it changes; the result goes to stdout.
struct MigrationFollower {
    var client: APIClient
    var output: OutputFormat

    /// Polls until the run is no longer running.
    /// - Returns: the environment's view at the end, and its JSON.
    /// - Throws: ``CLIError/failed(_:)`` (exit 1) when the run failed or was refused, or `timeout` passed.
    func follow(_ started: MigrationOperation, timeout: Int) async throws -> (view: MigrationStatusView, data: Data) {
        let path = "/api/v1/migrations/\(started.dependency.urlPathEncoded)?environment=\(started.environment.urlQueryEncoded)"
        let begin = Date()
        var lastStage = ""
        while true {
            let data = try await client.send("GET", path)
            guard let view = try JSONDecoder.steward.decode([MigrationStatusView].self, from: data).first,
                let operation = view.operation, operation.run == started.run
            else { throw CLIError.failed("run \(started.run) is no longer known to the control plane (did it restart?)") }
            if operation.stage != lastStage, output == .text {
                printError("\(operation.direction.rawValue) \(started.dependency) in \(started.environment): \(operation.stage)")
                lastStage = operation.stage
            }
            guard operation.state == .running else {
                let body = try JSONSerialization.data(withJSONObject: (try JSONSerialization.jsonObject(with: data) as? [Any])?.first ?? [String: Any]())
                if operation.state == .failed {
                    if output == .json { printJSON(body) }
                    throw CLIError.failed("migrate \(operation.direction.rawValue) of \(started.dependency) in \(started.environment) failed: \(operation.error ?? "no reason given")")
                }
                return (view, body)
            }
            guard Date().timeIntervalSince(begin) < Double(timeout) else {
                throw CLIError.failed("run \(started.run) still running after \(timeout)s (it goes on; see `steward migrate status \(started.dependency) --env \(started.environment)`)")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// One line about a run.
    static func describe(_ run: MigrationOperation) -> String {
        let verb = run.direction == .up ? "applied" : "reverted"
        var line = "run \(run.run) by \(run.startedBy): \(run.direction.rawValue) \(run.state.rawValue), \(run.stage)"
        if !run.done.isEmpty { line += "; \(verb) \(run.done.map(String.init).joined(separator: ", "))" }
        if let backup = run.backup { line += "; backup \(backup)" }
        if let error = run.error { line += ": \(error)" }
        return line
    }
}
