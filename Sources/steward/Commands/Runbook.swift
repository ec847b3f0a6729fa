import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward runbook …`: the stack's runbooks, run step by step with approvals and a record.
    struct Runbook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, show and run runbooks; approve or cancel a run.",
            discussion: """
                A runbook is a procedure from the stack file's `runbooks:` section. Each step runs a command, \
                an HTTP request, SQL against a postgres dependency, a Redis command, or restarts or scales a \
                service; a step with `confirm: true` waits for a person's approval first. Every step's output is \
                recorded (secrets masked) and `steward runbook runs ID` shows it.
                """,
            subcommands: [List.self, Show.self, Run.self, Runs.self, Approve.self, Cancel.self]
        )

        /// `steward runbook list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the stack's runbooks.")
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let data = try await options.client().send("GET", "/api/v1/runbooks")
                    if options.output == .json { return printJSON(data) }
                    let runbooks = try JSONDecoder.steward.decode([RunbookListing].self, from: data)
                    if runbooks.isEmpty { return print("the stack declares no runbooks") }
                    for runbook in runbooks {
                        let scope = runbook.environments.isEmpty ? "all environments" : runbook.environments.joined(separator: ", ")
                        print("\(runbook.name)  (\(runbook.steps.count) steps; \(scope))  \(runbook.description ?? "")")
                    }
                }
            }
        }

        /// `steward runbook show NAME`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a runbook's steps.")
            @Argument(help: "The runbook.") var name: String
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let data = try await options.client().send("GET", "/api/v1/runbooks/\(name.urlPathEncoded)")
                    if options.output == .json { return printJSON(data) }
                    let runbook = try JSONDecoder.steward.decode(RunbookListing.self, from: data)
                    print("\(runbook.name): \(runbook.description ?? "")")
                    if !runbook.environments.isEmpty { print("runs in: \(runbook.environments.joined(separator: ", "))") }
                    for (index, step) in runbook.steps.enumerated() {
                        var notes: [String] = []
                        if step.confirm { notes.append("asks for approval") }
                        if let when = step.when { notes.append("when \(when)") }
                        if !step.stopOnFailure { notes.append("may fail") }
                        let suffix = notes.isEmpty ? "" : "  (\(notes.joined(separator: "; ")))"
                        print("  \(index + 1). \(step.name) [\(step.kind)]\(suffix)")
                    }
                }
            }
        }

        /// `steward runbook run NAME --env ENV`.
        struct Run: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run a runbook in an environment and follow it live.",
                discussion: """
                    --dry-run prints every step resolved (secrets masked) and runs nothing. --from STEP starts at \
                    a step (after a failure): the earlier steps' results come from the previous run. At a step that \
                    asks for approval the command asks you on a terminal; --yes approves such steps in advance \
                    where the environment lets the person who started the run approve. Exit 0 when the run \
                    succeeded, 1 when it failed, was canceled or is still waiting at --timeout.
                    """)

            @Argument(help: "The runbook.") var name: String
            @Option(name: .customLong("env"), help: "The environment.") var environment: String
            @Option(help: "Start at this step.") var from: String?
            @Flag(help: "Print every step resolved (secrets masked); run nothing.") var dryRun = false
            @Flag(help: "Approve steps that ask for it, where you may approve your own run.") var yes = false
            @Flag(help: "Start the run and return at once (follow with `steward runbook runs ID`).") var detach = false
            @Option(help: "Stop following after this many seconds (exit 1; the run goes on).") var timeout: Int = 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            }

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    let request = RunRequest(environment: environment, from: from, dryRun: dryRun ? true : nil)
                    let data = try await client.send(
                        "POST", "/api/v1/runbooks/\(name.urlPathEncoded)/runs", body: try JSONEncoder.steward.encode(request))
                    if dryRun {
                        if options.output == .json { return printJSON(data) }
                        return try printDryRun(data)
                    }
                    let run = try JSONDecoder.steward.decode(RunbookRun.self, from: data)
                    if detach {
                        if options.output == .json { return printJSON(data) }
                        return print("runbook run \(run.id) started (follow with `steward runbook runs \(run.id)`)")
                    }
                    try await RunbookFollower(client: client, output: options.output, approveOwn: yes)
                        .follow(run, timeout: timeout)
                }
            }

            private func printDryRun(_ data: Data) throws {
                struct Answer: Decodable {
                    struct Step: Decodable {
                        var name: String
                        var display: String
                        var confirm: Bool
                        var approvalsNeeded: Int
                        var when: String?
                        var runs: Bool
                    }
                    var steps: [Step]
                }
                print("dry run of \(name) in \(environment): nothing runs")
                for (index, step) in try JSONDecoder.steward.decode(Answer.self, from: data).steps.enumerated() {
                    var notes: [String] = []
                    if !step.runs { notes.append("before --from: not run") }
                    if step.confirm { notes.append("waits for \(step.approvalsNeeded) approval(s)") }
                    if let when = step.when { notes.append("only when \(when)") }
                    print("  \(index + 1). \(step.name): \(step.display)" + (notes.isEmpty ? "" : "  [\(notes.joined(separator: "; "))]"))
                }
            }
        }

        /// `steward runbook runs [ID]`.
        struct Runs: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List runbook runs, or show one run with every step's output.")
            @Argument(help: "A run's id: show it whole.") var id: Int?
            @Option(name: .customLong("env"), help: "Only runs in this environment.") var environment: String?
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    if let id {
                        let data = try await client.send("GET", "/api/v1/runbook-runs/\(id)")
                        if options.output == .json { return printJSON(data) }
                        let run = try JSONDecoder.steward.decode(RunbookRun.self, from: data)
                        print(RunbookFollower.header(run))
                        for (index, record) in run.steps.enumerated() { print(RunbookFollower.describe(record, index: index)) }
                        return
                    }
                    let query = environment.map { "?environment=\($0.urlQueryEncoded)" } ?? ""
                    let data = try await client.send("GET", "/api/v1/runbook-runs\(query)")
                    if options.output == .json { return printJSON(data) }
                    for run in try JSONDecoder.steward.decode([RunbookRun].self, from: data) {
                        print(RunbookFollower.header(run))
                    }
                }
            }
        }

        /// `steward runbook approve ID`.
        struct Approve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Approve the step a run waits for.",
                discussion: "Needs the approver role in the run's environment. Where the environment asks for approvals, the person who started the run cannot approve it.")
            @Argument(help: "The run's id.") var id: Int
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let data = try await options.client().send("POST", "/api/v1/runbook-runs/\(id)/approve")
                    if options.output == .json { return printJSON(data) }
                    let run = try JSONDecoder.steward.decode(RunbookRun.self, from: data)
                    print("approved: \(RunbookFollower.header(run))")
                }
            }
        }

        /// `steward runbook cancel ID`.
        struct Cancel: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Cancel a run: no further step starts.")
            @Argument(help: "The run's id.") var id: Int
            @Option(help: "Why, for the audit trail.") var reason: String?
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let body = try JSONEncoder.steward.encode(["reason": reason ?? "canceled from the command line"])
                    let data = try await options.client().send("POST", "/api/v1/runbook-runs/\(id)/cancel", body: body)
                    if options.output == .json { return printJSON(data) }
                    print(RunbookFollower.header(try JSONDecoder.steward.decode(RunbookRun.self, from: data)))
                }
            }
        }
    }
}

/// The request body of a run.
private struct RunRequest: Encodable {
    var environment: String
    var from: String?
    var dryRun: Bool?
}

/// A runbook as `GET /api/v1/runbooks` lists it.
private struct RunbookListing: Decodable {
    struct Step: Decodable {
        var name: String
        var kind: String
        var confirm: Bool
        var when: String?
        var stopOnFailure: Bool
    }

    var name: String
    var description: String?
    var environments: [String]
    var steps: [Step]
}
