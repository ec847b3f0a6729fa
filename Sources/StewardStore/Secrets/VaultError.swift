/// Why the secrets vault refused or failed an operation.
///
/// Messages name the secret, its environment and its version, never its value, so they are
/// safe to log and to send to API clients.
public struct VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// The name is not `[A-Z_][A-Z0-9_]*` of at most 128 characters.
        case invalidName
        /// The environment name is empty, too long or holds a line break or a slash.
        case invalidEnvironment
        /// The value is empty, longer than 64 KiB or holds a NUL byte.
        case invalidValue
        /// No secret of that name in that environment.
        case notFound
        /// The stored value was sealed under another key than the one the vault holds.
        case wrongKey
        /// The stored value does not decrypt (it was altered) or is not in the vault's format.
        case corrupted
        /// The key could not be read, created or decoded.
        case keyUnavailable
    }

    /// What kind of failure this is.
    public var code: Code
    /// One sentence for people: what is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
