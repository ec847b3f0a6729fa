/// A helper command exited with a non-zero status.
public struct CommandFailed: Error, CustomStringConvertible {
    /// The command and its arguments.
    public var command: [String]
    /// Its exit status.
    public var status: Int32
    /// What it printed.
    public var output: String

    /// "`initdb -D …` exited with status 1: <output>".
    public var description: String {
        "`\(command.joined(separator: " "))` exited with status \(status): \(output)"
    }
}
