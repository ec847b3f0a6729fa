import ArgumentParser
import Foundation
import StewardStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `steward secret set` and `rotate` read a value: stdin or `--from-file`, never argv.
///
/// A value on the command line shows in the process list of every user and in the shell's
/// history, so any extra argument is refused with exit 64 before anything is sent, and the
/// refusal never repeats what was typed.
struct SecretValueInput: ParsableArguments {
    @Option(name: .customLong("from-file"), help: "Read the value from this file (one trailing line break is dropped).")
    var file: String?

    /// Everything else on the command line: only ever refused, never read as a value.
    @Argument(parsing: .allUnrecognized, help: .private)
    var unexpected: [String] = []

    func validate() throws {
        guard unexpected.isEmpty else {
            throw ValidationError(
                "a secret's value is never taken from the command line (it would show in the process list and the "
                    + "shell history): pipe it on stdin or give --from-file FILE")
        }
    }

    /// The value: the file's content, or stdin (asked for without echo on a terminal).
    ///
    /// - Throws: `ExitCode(64)` after saying why, when the value is missing, empty, not UTF-8 or too long.
    func read(for name: String) throws -> String {
        let data: Data
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else { throw usage("cannot read \(file)") }
            data = contents
        } else if isatty(STDIN_FILENO) == 1 {
            data = Data(Self.readHidden(prompt: "value of \(name) (not shown): ").utf8)
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        guard var value = String(data: data, encoding: .utf8) else { throw usage("the value is not UTF-8 text") }
        if value.hasSuffix("\r\n") {
            value.removeLast(2)
        } else if value.hasSuffix("\n") {
            value.removeLast()
        }
        if let problem = SecretRules.problem(inValue: value) {
            throw usage(problem + (file == nil ? " (the value is read from stdin, or from --from-file FILE)" : ""))
        }
        return value
    }

    private func usage(_ message: String) -> ExitCode {
        printError("error: \(message)")
        return ExitCode(64)
    }

    /// One line from the terminal with echo off.
    private static func readHidden(prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        let hasTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
        if hasTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        let line = readLine(strippingNewline: true) ?? ""
        if hasTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
        FileHandle.standardError.write(Data("\n".utf8))
        return line
    }
}
