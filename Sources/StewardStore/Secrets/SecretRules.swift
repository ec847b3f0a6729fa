/// The rules for what the vault accepts: names, environments and values.
///
/// The same rules hold in the schema (`StoreMigrations`), so no writer can break them; checking
/// them here first gives callers a message that says what was expected.
public enum SecretRules {
    /// The longest name: 128 characters.
    public static let maximumNameLength = 128
    /// The longest value: 64 KiB of UTF-8.
    public static let maximumValueBytes = 64 * 1024
    /// The longest environment name.
    public static let maximumEnvironmentLength = 128

    /// What is wrong with a secret's name, or nil when it is `[A-Z_][A-Z0-9_]*` of at most 128 characters.
    public static func problem(inName name: String) -> String? {
        guard !name.isEmpty else { return "a secret's name must not be empty" }
        guard name.utf8.count <= maximumNameLength else {
            return "a secret's name has at most \(maximumNameLength) characters"
        }
        let bytes = Array(name.utf8)
        let valid = bytes.allSatisfy { isUpper($0) || isDigit($0) || $0 == UInt8(ascii: "_") } && !isDigit(bytes[0])
        return valid ? nil : "a secret's name must match [A-Z_][A-Z0-9_]* (such as DB_PASSWORD)"
    }

    /// What is wrong with an environment name given with a secret, or nil when it is usable.
    public static func problem(inEnvironment environment: String) -> String? {
        guard !environment.isEmpty else { return "the environment must not be empty (leave it out for every environment)" }
        guard environment.utf8.count <= maximumEnvironmentLength else {
            return "an environment name has at most \(maximumEnvironmentLength) characters"
        }
        guard !environment.unicodeScalars.contains(where: { $0 == "/" || $0.properties.generalCategory == .control }) else {
            return "an environment name must not hold a slash or a control character"
        }
        return nil
    }

    /// What is wrong with a value, or nil when it is usable. Never quotes the value.
    public static func problem(inValue value: String) -> String? {
        let size = value.utf8.count
        guard size > 0 else { return "a secret's value must not be empty" }
        guard size <= maximumValueBytes else {
            return "a secret's value has at most \(maximumValueBytes) bytes; this one has \(size)"
        }
        guard !value.utf8.contains(0) else { return "a secret's value must not hold a NUL byte" }
        return nil
    }

    private static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
