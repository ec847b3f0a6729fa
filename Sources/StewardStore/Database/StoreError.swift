import GRDB

/// An error that left StewardStore.
///
/// Every public method of ``EventLog`` throws only this type. It records which store operation
/// failed (`file` and `line`) and a short message from SQLite. Its ``description`` never contains
/// SQL arguments, so tokens, payloads and other bound values cannot end up in logs.
///
/// Equality compares the ``code`` only, so tests and callers can write `error.code == .appendOnly`.
public struct StoreError: Error, Hashable, Sendable {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case openFailed
            case invalidValue
            case conflict
            case appendOnly
            case corrupted
            case databaseFailure
        }

        private var code: _Code

        private init(code: _Code) {
            self.code = code
        }

        /// A sentence describing the code.
        public var description: String {
            switch code {
            case .openFailed:
                return "The database could not be opened or brought up to date."
            case .invalidValue:
                return "A value was refused by the schema: it is empty, too long or badly formed."
            case .conflict:
                return "A value that must be unique is already stored."
            case .appendOnly:
                return "The event log is append-only: events cannot be changed or removed, only added at its end."
            case .corrupted:
                return "The database is damaged or was altered outside Steward."
            case .databaseFailure:
                return "The database failed to complete the operation."
            }
        }

        /// The database could not be opened, created or migrated.
        public static let openFailed = Code(code: .openFailed)
        /// A CHECK or NOT NULL constraint refused a value (for example an event type with a line break).
        public static let invalidValue = Code(code: .invalidValue)
        /// A UNIQUE or PRIMARY KEY constraint refused a value (for example a token name already taken).
        public static let conflict = Code(code: .conflict)
        /// A trigger refused to change, remove or misplace an event.
        public static let appendOnly = Code(code: .appendOnly)
        /// Stored data is missing or unreadable.
        public static let corrupted = Code(code: .corrupted)
        /// Any other database failure, such as a full disk or a lock held too long.
        public static let databaseFailure = Code(code: .databaseFailure)
    }

    private final class Backing: Sendable {
        let code: Code
        let file: String
        let line: Int
        let message: String?
        let underlying: (any Error)?

        init(code: Code, file: String, line: Int, message: String?, underlying: (any Error)?) {
            self.code = code
            self.file = file
            self.line = line
            self.message = message
            self.underlying = underlying
        }
    }

    private let backing: Backing

    /// What kind of failure this is.
    public var code: Code { backing.code }
    /// The source file of the store operation that failed.
    public var file: String { backing.file }
    /// The line of the store operation that failed.
    public var line: Int { backing.line }
    /// SQLite's message, such as `UNIQUE constraint failed: tokens.name`; it names columns, never values.
    public var message: String? { backing.message }
    /// The error that caused this one, for debugging. Do not print it where secrets must not appear.
    public var underlying: (any Error)? { backing.underlying }

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of failure this is.
    ///   - message: A sentence without bound values.
    ///   - underlying: The error that caused this one.
    ///   - file: Filled in with the caller's file.
    ///   - line: Filled in with the caller's line.
    public init(
        _ code: Code,
        message: String? = nil,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.backing = Backing(code: code, file: file, line: line, message: message, underlying: underlying)
    }

    /// Wraps any error from GRDB or SQLite, choosing the code from SQLite's result code.
    ///
    /// A `StoreError` passes through unchanged.
    static func wrapping(_ error: any Error, file: String = #fileID, line: Int = #line) -> StoreError {
        if let error = error as? StoreError {
            return error
        }
        guard let error = error as? DatabaseError else {
            // Other errors (such as a row that fails to decode) may describe stored values: keep no message.
            return StoreError(.corrupted, underlying: error, file: file, line: line)
        }
        let code: Code
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_TRIGGER:
            code = .appendOnly
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            code = .conflict
        default:
            switch error.resultCode {
            case .SQLITE_CONSTRAINT:
                code = .invalidValue
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                code = .corrupted
            default:
                code = .databaseFailure
            }
        }
        return StoreError(code, message: error.message, underlying: error, file: file, line: line)
    }

    /// Two errors are equal when their codes are; where they happened does not matter.
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, matching ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

extension StoreError: CustomStringConvertible {
    /// The code, where it happened and SQLite's message; never SQL arguments.
    public var description: String {
        "StoreError: code: \(code), file: \(file), line: \(line)\(message.map { ", message: \($0)" } ?? "")"
    }
}
