import ArgumentParser
import Foundation
import StewardCore

extension Steward {
    /// `steward validate [FILE]`: checks a stack file offline and reports every problem.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a stack file and report every problem with file:line:column.",
            discussion: """
                Exit code 0 when the file is valid, 1 when it has problems or cannot be read. Keys this \
                version parses but does not enforce are reported as warnings; they do not change the exit code.
                """
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
            let analysis = StackFile.analyze(String(decoding: data, as: UTF8.self), file: file)
            let warnings = analysis.warnings
            let warningCount = warnings.isEmpty ? "" : ", \(warnings.count) warning(s)"
            switch (analysis.result, output) {
            case (.success(let stack), .text):
                for warning in warnings { print(warning.description) }
                let dependencies = "\(stack.dependencies.count) dependenc\(stack.dependencies.count == 1 ? "y" : "ies")"
                print(
                    "\(file): valid — stack '\(stack.name)', \(stack.services.count) service(s), "
                        + "\(stack.environments.count) environment(s), \(dependencies)\(warningCount)")
            case (.failure(let errors), .text):
                for error in errors.errors { print(error.description) }
                for warning in warnings { print(warning.description) }
                printError("\(file): \(errors.errors.count) problem(s)\(warningCount)")
                throw ExitCode(1)
            case (.success, .json):
                let report = ValidationReport(file: file, valid: true, errors: [], warnings: warnings)
                printJSON(try JSONEncoder.steward.encode(report))
            case (.failure(let errors), .json):
                let items = errors.errors.map {
                    ValidationReport.Item(file: $0.file, line: $0.line, column: $0.column, message: $0.description)
                }
                let report = ValidationReport(file: file, valid: false, errors: items, warnings: warnings)
                printJSON(try JSONEncoder.steward.encode(report))
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

    /// A key that is parsed but not enforced; `key` is its path in the document.
    struct Warning: Encodable {
        var file: String
        var line: Int
        var column: Int
        var key: String
        var message: String
    }

    var file: String
    var valid: Bool
    var errors: [Item]
    var warnings: [Warning]

    init(file: String, valid: Bool, errors: [Item], warnings: [StackFile.Warning]) {
        self.file = file
        self.valid = valid
        self.errors = errors
        self.warnings = warnings.map {
            Warning(file: $0.file, line: $0.line, column: $0.column, key: $0.keyPath, message: $0.description)
        }
    }
}
