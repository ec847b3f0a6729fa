/// The rules for a release's version label (`1.4.2`, `2026-11-26.3`, `sha-3f9c2e1`), in one place.
///
/// A version travels into commands (`${version}`), environment variables, file and folder names
/// (logs, backups tagged with the deployment), URLs and events, so it is held to what is safe in
/// all of them: printable ASCII without whitespace, no `/` and no `..` (no path can be built
/// from it that leaves its folder), at least 1 and at most ``maximumBytes`` bytes.
///
/// ```swift
/// if let problem = VersionLabel.problem(in: version) { throw BadRequest("version: \(problem)") }
/// ```
public enum VersionLabel {
    /// The longest version accepted, in bytes.
    public static let maximumBytes = 128

    /// What is expected of a version, for messages.
    public static let expected =
        "1 to 128 printable ASCII characters without whitespace, '/' or '..', such as 1.4.2"

    /// What is wrong with `version`, or `nil` when it is a valid version label.
    ///
    /// - Returns: one sentence saying what was found and what is expected, such as
    ///   `contains '/' at character 4; expected 1 to 128 printable ASCII characters …`.
    public static func problem(in version: String) -> String? {
        let found: String? = {
            if version.isEmpty { return "is empty" }
            let bytes = version.utf8.count
            if bytes > maximumBytes { return "is \(bytes) bytes long" }
            for (offset, scalar) in version.unicodeScalars.enumerated() {
                let position = "at character \(offset + 1)"
                switch scalar.value {
                case 0x20: return "contains a space \(position)"
                case 0x2F: return "contains '/' \(position)"
                case 0x21...0x7E: continue
                case 0x09, 0x0A, 0x0D: return "contains whitespace (U+\(hex(scalar))) \(position)"
                default:
                    let kind = scalar.isASCII ? "a control character" : "a non-ASCII character"
                    return "contains \(kind) (U+\(hex(scalar))) \(position)"
                }
            }
            if version.contains("..") { return "contains '..'" }
            return nil
        }()
        return found.map { "\($0); expected \(expected)" }
    }

    /// Whether `version` is a valid version label.
    public static func isValid(_ version: String) -> Bool { problem(in: version) == nil }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
