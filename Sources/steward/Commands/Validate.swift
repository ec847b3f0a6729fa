import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward validate [FILE]`: checks a stack file offline and reports every problem.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a stack file and report every problem with file:line:column.",
            discussion: "Exit code 0 when the file is valid, 1 when it has problems or cannot be read."
        )

        @Argument(help: "The stack file.")
        var file: String = "steward.yaml"

        @Option(name: .shortAndLong, help: "Output format: text or json.")
        var output: OutputFormat = .text

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                printError("error: cannot read \(file): no such file or not readable")
                throw ExitCode(1)
            }
            let result = StackFile.parse(String(decoding: data, as: UTF8.self), file: file)
            switch (result, output) {
            case (.success(let stack), .text):
                print("\(file): valid — stack '\(stack.name)', \(stack.services.count) service(s), \(stack.environments.count) environment(s), \(stack.dependencies.count) dependenc\(stack.dependencies.count == 1 ? "y" : "ies")")
            case (.failure(let errors), .text):
                for error in errors.errors { print(error.description) }
                printError("\(file): \(errors.errors.count) problem(s)")
                throw ExitCode(1)
            case (.success, .json):
                printJSON(try JSONEncoder.steward.encode(ValidationReport(file: file, valid: true, errors: [])))
            case (.failure(let errors), .json):
                let items = errors.errors.map {
                    ValidationReport.Item(file: $0.file, line: $0.line, column: $0.column, message: $0.description)
                }
                printJSON(try JSONEncoder.steward.encode(ValidationReport(file: file, valid: false, errors: items)))
                throw ExitCode(1)
            }
        }
    }
}

/// `steward validate --output json`.
struct ValidationReport: Encodable {
    struct Item: Encodable {
        var file: String
        var line: Int
        var column: Int
        var message: String
    }

    var file: String
    var valid: Bool
    var errors: [Item]
}
