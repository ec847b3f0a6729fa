import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward version`: the version of this `steward` binary.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version of this steward binary.")

        @Option(name: .shortAndLong, help: "Output format: text or json.")
        var output: OutputFormat = .text

        func run() throws {
            switch output {
            case .json: printJSON(try JSONEncoder.steward.encode(["version": StewardVersion.current]))
            case .text: print("steward \(StewardVersion.current)")
            }
        }
    }
}
