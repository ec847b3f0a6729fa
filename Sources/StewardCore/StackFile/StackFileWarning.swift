extension StackFile {
    /// Something in a valid stack file the user should know: a key Steward reads but does not act on.
    ///
    /// Renders as one line, like ``StackFileError``:
    ///
    /// ```
    /// steward.yaml:31:7: warning: `environments.production.approvals` is parsed but not enforced by this version
    /// ```
    ///
    /// Warnings never make a file invalid; `steward validate` prints them and still exits 0.
    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        /// What the warning is about.
        public enum Problem: Sendable, Equatable {
            /// The key is valid, but no part of this version carries it out.
            case notEnforced
            /// The key is acted on in some places but not in others (the note says which).
            case partlyEnforced(String)
        }

        /// The file name used in the rendered message.
        public var file: String
        /// 1-based line of the key.
        public var line: Int
        /// 1-based column of the key.
        public var column: Int
        /// Where the key is in the document, with names and list indices: `services.api.deploy.strategy`.
        public var keyPath: String
        public var problem: Problem
        /// The schema key, as the enforcement list names it.
        var schemaKey: Schema.Key

        init(file: String, line: Int, column: Int, keyPath: String, schemaKey: Schema.Key, problem: Problem) {
            self.file = file
            self.line = max(1, line)
            self.column = max(1, column)
            self.keyPath = keyPath
            self.schemaKey = schemaKey
            self.problem = problem
        }

        /// The sentence without the position.
        public var message: String {
            switch problem {
            case .notEnforced: return "`\(StackFileError.clean(keyPath))` is parsed but not enforced by this version"
            case .partlyEnforced(let note):
                return "`\(StackFileError.clean(keyPath))` is only partly enforced by this version: \(note)"
            }
        }

        /// `file:line:column: warning: message`, on one line.
        public var description: String { "\(file):\(line):\(column): warning: \(message)" }
    }

    /// What reading a stack file found: the stack or every error, and warnings either way.
    public struct Analysis: Sendable {
        /// The stack, or every error sorted by position.
        public var result: Result<StackSpec, StackFileErrors>
        /// Warnings sorted by position; present whether or not the file is valid.
        public var warnings: [Warning]
        /// Every schema key the parse read, with its document path (for the enforcement tests).
        var keysRead: [(key: Schema.Key, path: String)] = []
    }
}
