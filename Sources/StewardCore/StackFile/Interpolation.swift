import Foundation

/// `${...}` references inside stack-file strings, and their resolution.
///
/// The forms are:
///
/// | reference | means |
/// |---|---|
/// | `${port}` | the port of the instance being started |
/// | `${version}` | the release version being deployed |
/// | `${service}` | the service's name |
/// | `${environment}` | the environment's name |
/// | `${instance}` | the instance's identifier |
/// | `${secret:NAME}` | a secret; NAME is capital letters, digits and `_` |
/// | `${dependencies.NAME.url}` | a declared dependency's URL |
/// | `${services.NAME.port}` | a declared service's stable port |
///
/// `$$` is a literal `$`; any other `$` not followed by `{` is also kept as is.
///
/// The stack file refuses `${secret:NAME}` and `${dependencies.NAME.url}` in a service's `command`
/// and `args` and in exec probes: arguments are visible to everyone on the host in the process
/// list, so secrets go in `env`.
///
/// Pure: the stack-file parser uses ``references(in:)`` to validate, the deployer uses
/// ``resolve(_:using:)`` with its own lookup when it starts instances.
public struct Interpolation: Sendable {
    /// One `${...}` reference.
    public enum Reference: Sendable, Hashable, CustomStringConvertible {
        case port
        case version
        case service
        case environment
        case instance
        case secret(name: String)
        case dependencyURL(dependency: String)
        case servicePort(service: String)

        /// The reference as written: `${secret:DB_PASSWORD}`.
        public var description: String {
            switch self {
            case .port: return "${port}"
            case .version: return "${version}"
            case .service: return "${service}"
            case .environment: return "${environment}"
            case .instance: return "${instance}"
            case .secret(let name): return "${secret:\(name)}"
            case .dependencyURL(let name): return "${dependencies.\(name).url}"
            case .servicePort(let name): return "${services.\(name).port}"
            }
        }
    }

    /// A reference that is malformed or not one of the known forms.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// `${` without a closing `}`.
            case unterminated
            /// Well-formed braces around something that is not a known form (`${prot}`).
            case unknown
            /// A known form with a bad name (`${secret:lower}`, `${dependencies.Db.url}`).
            case invalidName
        }

        public var kind: Kind
        /// The reference as written (shortened when unterminated).
        public var reference: String
        /// What would have been accepted.
        public var expected: String

        public var description: String {
            switch kind {
            case .unterminated: return "unterminated reference '\(reference)'; expected \(expected)"
            case .unknown: return "unknown reference '\(reference)'; expected \(expected)"
            case .invalidName: return "invalid reference '\(reference)'; expected \(expected)"
            }
        }
    }

    /// Every form, as listed in messages.
    public static let forms = [
        "${port}", "${version}", "${service}", "${environment}", "${instance}", "${secret:NAME}",
        "${dependencies.NAME.url}", "${services.NAME.port}",
    ]

    /// The references in `text`, in order (repeats included).
    public static func references(in text: String) throws(ParseError) -> [Reference] {
        try pieces(of: text).compactMap {
            if case .reference(let reference, _) = $0 { return reference }
            return nil
        }
    }

    /// `text` with every reference replaced by what `lookup` returns and `$$` by `$`.
    ///
    /// Throws ``ParseError`` for a malformed or unknown reference (before calling `lookup`),
    /// or whatever `lookup` throws.
    public static func resolve(_ text: String, using lookup: (Reference) throws -> String) throws -> String {
        var out = ""
        for piece in try pieces(of: text) {
            switch piece {
            case .literal(let literal): out += literal
            case .reference(let reference, _): out += try lookup(reference)
            }
        }
        return out
    }

    enum Piece: Equatable {
        case literal(String)
        /// The reference and its text as written.
        case reference(Reference, String)
    }

    static func pieces(of text: String) throws(ParseError) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            guard scalar == "$", i + 1 < scalars.count else {
                literal.unicodeScalars.append(scalar)
                i += 1
                continue
            }
            if scalars[i + 1] == "$" {
                literal += "$"
                i += 2
                continue
            }
            guard scalars[i + 1] == "{" else {
                literal += "$"
                i += 1
                continue
            }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                var written = String(String.UnicodeScalarView(scalars[i...].prefix(40)))
                if scalars.count - i > 40 { written += "…" }
                throw ParseError(
                    kind: .unterminated, reference: written, expected: "'}' to close it, or $$ for a literal $")
            }
            let body = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            let written = "${\(body)}"
            let reference = try parse(body: body, written: written)
            if !literal.isEmpty {
                pieces.append(.literal(literal))
                literal = ""
            }
            pieces.append(.reference(reference, written))
            i = close + 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    private static func parse(body: String, written: String) throws(ParseError) -> Reference {
        switch body {
        case "port": return .port
        case "version": return .version
        case "service": return .service
        case "environment": return .environment
        case "instance": return .instance
        default: break
        }
        if body.hasPrefix("secret:") {
            let name = String(body.dropFirst("secret:".count))
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(isSecretCharacter) else {
                throw ParseError(
                    kind: .invalidName, reference: written,
                    expected: "a secret name of capital letters, digits and '_', such as ${secret:DATABASE_PASSWORD}")
            }
            return .secret(name: name)
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, parts[0] == "dependencies", parts[2] == "url" {
            guard StackFile.isValidName(parts[1]) else {
                throw ParseError(
                    kind: .invalidName, reference: written,
                    expected: "a dependency name of lowercase letters, digits and '-', such as ${dependencies.db.url}")
            }
            return .dependencyURL(dependency: parts[1])
        }
        if parts.count == 3, parts[0] == "services", parts[2] == "port" {
            guard StackFile.isValidName(parts[1]) else {
                throw ParseError(
                    kind: .invalidName, reference: written,
                    expected: "a service name of lowercase letters, digits and '-', such as ${services.api.port}")
            }
            return .servicePort(service: parts[1])
        }
        throw ParseError(kind: .unknown, reference: written, expected: "one of \(forms.joined(separator: ", "))")
    }

    private static func isSecretCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }
}

extension StackFile {
    /// Whether `name` can name a stack, service, dependency, environment or runbook:
    /// `[a-z][a-z0-9-]*`, at most 63 characters.
    static func isValidName(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, ("a"..."z").contains(first), scalars.count <= 63 else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
