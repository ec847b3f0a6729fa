import Foundation
import StewardCore

/// Follows a drill (`GET /api/v1/drills/{id}`) until it ends, writing each stage to stderr as it
/// begins and ends, with its time since the drill's start and how long it took.
struct DrillFollower {
    var client: APIClient

    /// Polls until the drill is no longer running.
    /// - Returns: the final report, decoded and as sent.
    /// - Throws: ``CLIError/failed(_:)`` when `timeout` seconds pass first.
    func follow(_ id: String, timeout: Int) async throws -> (report: DrillReport, data: Data) {
        let started = Date()
        var shown = [String: Bool]()  // stage name → its end shown
        while true {
            let data = try await client.send("GET", "/api/v1/drills/\(id)")
            let report = try JSONDecoder.steward.decode(DrillReport.self, from: data)
            for stage in report.stages {
                if shown[stage.name] == nil {
                    printError("+\(DrillReport.duration(stage.offsetSeconds)) \(stage.name) …")
                    shown[stage.name] = false
                }
                if shown[stage.name] == false, let seconds = stage.seconds {
                    let result = stage.passed == false ? "FAILED" : "done"
                    printError(
                        "+\(DrillReport.duration(stage.offsetSeconds + seconds)) \(stage.name): \(result) in "
                            + "\(DrillReport.duration(seconds))" + (stage.detail.map { " — \($0)" } ?? ""))
                    shown[stage.name] = true
                }
            }
            if report.state != .running { return (report, data) }
            guard Date().timeIntervalSince(started) < Double(timeout) else {
                throw CLIError.failed("drill \(id) still running after \(timeout)s (it goes on; see GET /api/v1/drills/\(id))")
            }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
