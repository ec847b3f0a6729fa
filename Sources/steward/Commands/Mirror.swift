import ArgumentParser
import Foundation
import StewardCore
import StewardOps

extension Steward {
    /// `steward mirror …`: incremental copies of document buckets (`mirrors:` in the stack file).
    struct Mirror: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, sync and restore bucket mirrors.",
            discussion: """
                A mirror copies a bucket prefix into another bucket or a folder, incrementally: a sync copies \
                only what is new or changed (by size and ETag, recorded in the mirror's .steward-mirror.json \
                with each copy's SHA-256) and deletes the copies of objects gone from the source, unless the \
                stack says keepRemoved. A restore uploads the mirror's objects, each checked against its \
                SHA-256, into a bucket; it deletes nothing. Exit codes: 0 done, 1 the run failed, 2 refused by \
                the server (role, unknown mirror, a run going on), 3 server unreachable, 64 bad usage.
                """,
            subcommands: [List.self, Sync.self, Restore.self]
        )

        /// `steward mirror list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List the stack's mirrors: source, target, schedule, latest run.")
            @OptionGroup var options: ClientOptions

            func run() async throws {
                try await reportingErrors {
                    let data = try await options.client().send("GET", "/api/v1/mirrors")
                    if options.output == .json { return printJSON(data) }
                    let views = try JSONDecoder.steward.decode([MirrorView].self, from: data)
                    if views.isEmpty { return print("no mirrors (add a `mirrors:` section to the stack file)") }
                    for view in views {
                        var line = "\(view.name)  \(view.source) -> \(view.target)"
                        if view.keepRemoved { line += "  keeps removed objects" }
                        if let schedule = view.schedule {
                            line += "  \(schedule) (\(view.timeZone))"
                            if let next = view.nextSyncAt { line += " next \(StewardDate.format(next))" }
                        }
                        print(line)
                        if let operation = view.operation { Mirror.printOperation(operation) }
                    }
                }
            }
        }

        /// `steward mirror sync NAME`.
        struct Sync: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Bring a mirror up to date with its source, showing progress until it is done.",
                discussion: "With --no-wait, prints the run started and returns; `steward mirror list` shows how it went.")
            @Argument(help: "The mirror's name (`mirrors:` in the stack file).") var name: String
            @Flag(inversion: .prefixedNo, help: "Follow the run until it ends (exit 1 when it fails).") var wait = true
            @Option(help: "Stop following after this many seconds (exit 1; the run goes on).") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            }

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    let data = try await client.send("POST", "/api/v1/mirrors/\(name.urlPathEncoded)/sync")
                    let operation = try JSONDecoder.steward.decode(MirrorOperation.self, from: data)
                    try await Mirror.finish(operation, data: data, wait: wait, timeout: timeout, client: client, output: options.output)
                }
            }
        }

        /// `steward mirror restore NAME [--to s3://BUCKET/PREFIX] [--include-removed] [--yes]`.
        struct Restore: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Upload a mirror's objects into a bucket (the source by default; asks to type the mirror's name, --yes when not interactive).",
                discussion: """
                    Every copy is checked against the SHA-256 in the mirror's manifest before it is uploaded; a \
                    copy that changed on the mirror is reported, not restored. Objects the target already holds \
                    with the same size are skipped, others are written over; nothing in the target is deleted. \
                    Objects the mirror kept after their removal from the source come back only with --include-removed.
                    """)
            @Argument(help: "The mirror's name.") var name: String
            @Option(help: "Where to restore: s3://BUCKET/PREFIX (reached through the s3 dependency naming the bucket). Default: the mirror's source.")
            var to: String?
            @Flag(help: "Restore the objects kept after their removal from the source too.") var includeRemoved = false
            @Flag(help: "Do not ask for confirmation.") var yes = false
            @Flag(inversion: .prefixedNo, help: "Follow the run until it ends (exit 1 when it fails).") var wait = true
            @Option(help: "Stop following after this many seconds.") var timeout: Int = 6 * 3600
            @OptionGroup var options: ClientOptions

            func validate() throws {
                if let to, !to.hasPrefix("s3://") {
                    throw ValidationError("--to must be s3://BUCKET/PREFIX (a mirror restores into a bucket), found '\(to)'")
                }
                guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
                // Never write over a bucket on a script's behalf by accident: no terminal to ask, no go.
                if !yes, isatty(STDIN_FILENO) == 0 {
                    throw ValidationError("restore writes into a bucket; stdin is not a terminal to confirm on, so pass --yes")
                }
            }

            func run() async throws {
                try await reportingErrors {
                    let client = options.client()
                    if !yes {
                        let view = try JSONDecoder.steward.decode(
                            MirrorView.self, from: try await client.send("GET", "/api/v1/mirrors/\(name.urlPathEncoded)"))
                        printError("Restoring mirror \(name) (\(view.target)) into \(to ?? view.source); objects there with another size are written over.")
                        FileHandle.standardError.write(Data("Type the mirror's name to confirm: ".utf8))
                        guard readLine()?.trimmingCharacters(in: .whitespaces) == name else {
                            throw CLIError.failed("not confirmed: nothing was restored")
                        }
                    }
                    struct Body: Encodable {
                        var to: String?
                        var includeRemoved: Bool
                    }
                    let data = try await client.send(
                        "POST", "/api/v1/mirrors/\(name.urlPathEncoded)/restore",
                        body: try JSONEncoder.steward.encode(Body(to: to, includeRemoved: includeRemoved)))
                    let operation = try JSONDecoder.steward.decode(MirrorOperation.self, from: data)
                    try await Mirror.finish(operation, data: data, wait: wait, timeout: timeout, client: client, output: options.output)
                }
            }
        }

        /// Prints what was started, or follows it to the end.
        static func finish(
            _ operation: MirrorOperation, data: Data, wait: Bool, timeout: Int, client: APIClient, output: OutputFormat
        ) async throws {
            guard wait else {
                if output == .json { return printJSON(data) }
                return print("\(operation.kind.rawValue) of mirror \(operation.mirror) started: run \(operation.run) (see `steward mirror list`)")
            }
            let (view, final) = try await MirrorFollower(client: client, output: output)
                .follow(operation.mirror, run: operation.run, timeout: timeout)
            if output == .json { return printJSON(final) }
            if let operation = view.operation { printOperation(operation) }
        }

        /// One run, for `list` and the end of a followed run.
        static func printOperation(_ operation: MirrorOperation) {
            var line = "  \(operation.kind.rawValue) \(operation.run) \(operation.state.rawValue) (by \(operation.startedBy), \(StewardDate.format(operation.startedAt)))"
            if operation.state != .running {
                line += ": \(operation.copied ?? 0) copied, \(operation.skipped ?? 0) up to date"
                if operation.kind == .sync { line += ", \(operation.deleted ?? 0) deleted, \(operation.kept ?? 0) kept" }
                line += ", \(LiveProgress.size(operation.bytes))"
                if let seconds = operation.durationSeconds { line += " in \(String(format: "%.1f", seconds))s" }
            } else {
                line += ": \(operation.objects) objects so far"
            }
            print(line)
            if let error = operation.error { print("    \(error)") }
            for failure in operation.failures ?? [] { print("    \(failure)") }
        }
    }
}
