import ArgumentParser
import Foundation

/// A failure the CLI reports with one clear message and a documented exit code.
enum CLIError: Error, CustomStringConvertible {
    /// The operation ran and failed (exit 1).
    case failed(String)
    /// The server answered with an error (exit 2).
    case refused(status: Int, message: String, details: [String])
    /// The server could not be reached (exit 3).
    case unreachable(String)
    /// A blue/green or canary deployment was rolled back because one of its rules failed (exit 4).
    case rolledBack(String)
    /// A disaster-recovery drill ran but missed its RTO or RPO objective (exit 5).
    case objectivesMissed(String)

    var description: String {
        switch self {
        case .failed(let message): return "error: \(message)"
        case .refused(let status, let message, let details):
            return (["error: \(message) (HTTP \(status))"] + details.map { "  \($0)" }).joined(separator: "\n")
        case .unreachable(let message), .rolledBack(let message), .objectivesMissed(let message): return "error: \(message)"
        }
    }

    var exitCode: Int32 {
        switch self {
        case .failed: 1
        case .refused: 2
        case .unreachable: 3
        case .rolledBack: 4
        case .objectivesMissed: 5
        }
    }
}

/// Runs a command body, turning ``CLIError`` into its message on stderr and its exit code.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitCode)
    }
}

/// Writes a line to stderr (progress and explanations; stdout is for results).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints a value as pretty JSON on stdout.
func printJSON(_ data: Data) {
    if let object = try? JSONSerialization.jsonObject(with: data),
        let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    {
        print(String(decoding: pretty, as: UTF8.self))
    } else {
        print(String(decoding: data, as: UTF8.self))
    }
}
