import Foundation
import StewardCore

/// Follows a runbook run live: prints each step as it starts and ends (with its output), asks
/// for approval at a gate on a terminal, and turns the outcome into an exit code.
struct RunbookFollower {
    let client: APIClient
    let output: OutputFormat
    /// Approve gates without asking, where the run's starter may approve (`--yes`).
    let approveOwn: Bool

    func follow(_ started: RunbookRun, timeout: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        var printed: [Int: RunbookRun.StepState] = [:]
        var asked: Set<Int> = []
        var run = started
        var data = Data()
        if output == .text { printError(Self.header(run)) }
        while true {
            if output == .text {
                for (index, record) in run.steps.enumerated() where printed[index] != record.state {
                    if record.state == .pending { continue }
                    printed[index] = record.state
                    printError(Self.describe(record, index: index))
                }
            }
            if run.phase.isFinished || ContinuousClock.now >= deadline { break }
            if let step = run.stepAwaitingApproval, !asked.contains(step) {
                asked.insert(step)
                try await gate(run, step: step)
            }
            try await Task.sleep(for: .milliseconds(200))
            data = try await client.send("GET", "/api/v1/runbook-runs/\(run.id)")
            run = try JSONDecoder.steward.decode(RunbookRun.self, from: data)
        }
        if output == .json { printJSON(data.isEmpty ? try JSONEncoder.steward.encode(run) : data) }
        switch run.phase {
        case .succeeded:
            if output == .text { print("runbook run \(run.id) succeeded" + (run.reason.map { " (\($0))" } ?? "")) }
        case .failed, .canceled:
            throw CLIError.failed("runbook run \(run.id) \(run.phase.rawValue): \(run.reason ?? "no reason recorded")")
        case .running, .awaitingApproval:
            throw CLIError.failed(
                "runbook run \(run.id) still \(run.phase.rawValue) after \(timeout)s; it goes on (`steward runbook runs \(run.id)`)")
        }
    }

    /// At a step that waits for approval: approve with --yes, ask on a terminal, or say how to approve.
    private func gate(_ run: RunbookRun, step: Int) async throws {
        let name = run.steps[step].name
        let ownApprovalCounts = run.approvalsRequired == 0
        if ownApprovalCounts, approveOwn {
            _ = try await client.send("POST", "/api/v1/runbook-runs/\(run.id)/approve")
            return
        }
        guard ownApprovalCounts, isatty(STDIN_FILENO) == 1, output == .text else {
            let who = ownApprovalCounts ? "an approver" : "\(run.approvalsRequired) approver(s) other than \(run.startedBy)"
            printError("step '\(name)' waits for \(who): `steward runbook approve \(run.id)` (or cancel it: `steward runbook cancel \(run.id)`)")
            return
        }
        FileHandle.standardError.write(Data("step '\(name)' asks for approval. Run it? [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        if answer == "y" || answer == "yes" {
            _ = try await client.send("POST", "/api/v1/runbook-runs/\(run.id)/approve")
        } else {
            let body = try JSONEncoder.steward.encode(["reason": "not approved at step '\(name)'"])
            _ = try await client.send("POST", "/api/v1/runbook-runs/\(run.id)/cancel", body: body)
        }
    }

    static func header(_ run: RunbookRun) -> String {
        "[run \(run.id)] \(run.runbook.name) in \(run.environment) by \(run.startedBy): \(run.phase.rawValue)"
            + (run.reason.map { " — \($0)" } ?? "")
    }

    static func describe(_ record: RunbookRun.StepRecord, index: Int) -> String {
        var lines = ["  \(index + 1). \(record.name): \(record.state.rawValue)"
            + (record.display.map { " — \($0)" } ?? "") + (record.note.map { " (\($0))" } ?? "")]
        if let result = record.result, record.state != .running {
            if let error = result.error { lines.append("     error: \(error)") }
            let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { "     | \($0)" } }
        }
        return lines.joined(separator: "\n")
    }
}
