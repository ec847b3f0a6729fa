import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward events`: the event log, which is also the audit trail.
    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the event log (who did what, and what happened).")

        @Option(help: "How many of the latest events.")
        var limit: Int = 50

        @Option(help: "Only events whose type starts with this (e.g. deployment.).")
        var type: String?

        @Flag(name: .shortAndLong, help: "Keep printing new events as they are appended.")
        var follow = false

        @OptionGroup var options: ClientOptions

        struct Event: Decodable {
            var seq: Int64
            var time: Date
            var type: String
            var subject: String
            var actor: String
        }

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be 1–1000") }
        }

        func run() async throws {
            try await reportingErrors {
                let filter = type.map { "&type=\($0.urlQueryEncoded)" } ?? ""
                var data = try await options.client().send("GET", "/api/v1/events?limit=\(limit)\(filter)")
                var last: Int64 = 0
                repeat {
                    if options.output == .json && !follow { return printJSON(data) }
                    let events = try JSONDecoder.steward.decode([Event].self, from: data)
                    for event in events {
                        if options.output == .json {
                            printJSON(try JSONSerialization.data(withJSONObject: ["seq": event.seq, "type": event.type, "subject": event.subject, "actor": event.actor, "time": StewardDate.format(event.time)]))
                        } else {
                            print("#\(event.seq)  \(StewardDate.format(event.time))  \(event.type.padding(toLength: 28, withPad: " ", startingAt: 0))  \(event.subject)  by \(event.actor)")
                        }
                        last = max(last, event.seq)
                    }
                    guard follow else { return }
                    try await Task.sleep(for: .milliseconds(500))
                    data = try await options.client().send("GET", "/api/v1/events?after=\(last)&limit=1000\(filter)")
                } while true
            }
        }
    }
}
