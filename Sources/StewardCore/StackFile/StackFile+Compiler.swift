import Foundation
import Yams

extension StackFile {
    /// Turns the composed document into a ``StackSpec``, section by section.
    ///
    /// The names of dependencies, services and environments are collected first, so every
    /// section can check its references while it is read; cycles are checked at the end.
    final class Compiler {
        typealias Field = StackFile.Field
        typealias Schema = StackFile.Schema
        typealias Expect = StackFile.Expect

        let diags: Diagnostics

        // Declared names, in file order, from a first look at the document.
        private(set) var dependencyNames: [String] = []
        /// Kinds of declared dependencies, when known (stated or implied by the url's scheme).
        private(set) var dependencyKinds: [String: DependencySpec.Kind] = [:]
        private(set) var dependencyLines: [String: Int] = [:]
        /// Declared dependencies that have a `migrations` key (whatever its value).
        private(set) var dependenciesWithMigrations: Set<String> = []
        private(set) var serviceNames: [String] = []
        private(set) var serviceSet: Set<String> = []
        private(set) var servicesWithPort: Set<String> = []
        private(set) var environmentNames: [String] = []
        private(set) var environmentSet: Set<String> = []
        private(set) var alertNames: Set<String> = []

        /// `dependsOn` edges between services, with the item's position, for the cycle check.
        var serviceEdges: [String: [(target: String, mark: Mark?)]] = [:]
        /// `promotesTo` of each environment, with the value's position.
        var promotions: [String: (target: String, mark: Mark?)] = [:]

        init(diags: Diagnostics) { self.diags = diags }

        func stack(_ root: Node) -> StackSpec? {
            guard case .mapping(let mapping) = root else {
                diags.report(
                    .wrongType(found: YAML.describe(root), expected: "a mapping with at least 'stack'"), at: root.mark,
                    context: nil)
                return nil
            }
            let top = MappingReader(
                node: root, mapping: mapping, context: nil, section: .topLevel, path: "", diags: diags)
            collectNames(top)

            var version = 1
            if let field = top.field("version"), let value = field.int() {
                if value == 1 { version = value } else { field.invalid("1 (the only version this Steward reads)") }
            }
            let name = top.required("stack", expected: Expect.name).flatMap { field -> String? in
                guard let name = field.string(expected: Expect.name) else { return nil }
                guard StackFile.isValidName(name) else {
                    field.invalid(Expect.name)
                    return nil
                }
                return name
            }
            let dependencies = top.field("dependencies").map {
                namedSections($0, section: "dependencies", read: dependency)
            }
            let services = top.field("services").map { namedSections($0, section: "services", read: service) }
            let environments = top.field("environments").map {
                namedSections($0, section: "environments", read: environment)
            }
            let slos = top.field("slos").map(slos)
            let backups = top.field("backups").map(backups)
            let alerts = top.field("alerts").map(alerts)
            let runbooks = top.field("runbooks").map(runbooks)
            let incidents = top.field("incidents").flatMap(incidents)
            let recovery = top.field("recovery").flatMap(recovery)
            let mirrors = top.field("mirrors").map(mirrors)
            top.finish()

            checkServiceCycles()
            checkPromotionCycles()

            guard let name else { return nil }
            return StackSpec(
                version: version, name: name, dependencies: dependencies ?? [], services: services ?? [],
                environments: environments ?? [], slos: slos ?? [], backups: backups ?? [], alerts: alerts ?? [],
                runbooks: runbooks ?? [], incidents: incidents, recovery: recovery,
                mirrors: mirrors ?? [])
        }

        // MARK: Names

        /// The names declared in `dependencies`, `services`, `environments` and `alerts`, read
        /// without reporting anything (the sections report their own mistakes).
        private func collectNames(_ top: MappingReader) {
            func pairs(_ node: Node?) -> [(String, Node, Node)] {
                guard case .mapping(let mapping)? = node else { return [] }
                return mapping.compactMap { key, value in
                    guard case .scalar(let scalar) = key, !YAML.isNull(key) else { return nil }
                    return (scalar.string, key, value)
                }
            }
            func scalar(_ node: Node, _ key: String) -> String? {
                guard case .mapping(let mapping) = node else { return nil }
                for (k, v) in mapping where YAML.text(k) == key { return YAML.text(v) }
                return nil
            }
            for (name, key, value) in pairs(top.field("dependencies")?.node) where dependencyLines[name] == nil {
                dependencyNames.append(name)
                dependencyLines[name] = key.mark?.line ?? 1
                if let kind = scalar(value, "type").flatMap(DependencySpec.Kind.init(rawValue:))
                    ?? scalar(value, "url").flatMap(Self.kind(ofURL:))
                {
                    dependencyKinds[name] = kind
                }
                if case .mapping(let mapping) = value, mapping.contains(where: { YAML.text($0.key) == "migrations" }) {
                    dependenciesWithMigrations.insert(name)
                }
            }
            for (name, _, value) in pairs(top.field("services")?.node) where serviceSet.insert(name).inserted {
                serviceNames.append(name)
                if scalar(value, "port") != nil { servicesWithPort.insert(name) }
            }
            for (name, _, _) in pairs(top.field("environments")?.node) where environmentSet.insert(name).inserted {
                environmentNames.append(name)
            }
            if case .sequence(let items)? = top.field("alerts")?.node {
                alertNames = Set(items.compactMap { scalar($0, "name") })
            }
        }

        func isDependency(_ name: String) -> Bool { dependencyLines[name] != nil }

        /// The kind a dependency URL's scheme implies.
        static func kind(ofURL url: String) -> DependencySpec.Kind? {
            guard let colon = url.firstIndex(of: ":") else { return nil }
            switch url[..<colon].lowercased() {
            case "postgres", "postgresql": return .postgres
            case "redis", "rediss": return .redis
            case "http", "https": return .http
            case "s3": return .s3
            default: return nil
            }
        }

        /// `a declared service: api, web` for messages (the first 20 names).
        func declared(_ what: String, _ names: [String]) -> String {
            if names.isEmpty { return "\(what) (there are none)" }
            let shown = names.prefix(20).joined(separator: ", ")
            return "\(what): \(shown)\(names.count > 20 ? ", …" : "")"
        }

        /// Reads a mapping of names to sections (`services:`), checking each name.
        func namedSections<T>(_ field: Field, section: String, read: (String, Field) -> T?) -> [T] {
            guard let entries = field.entries(expected: "a mapping of names to \(section)") else { return [] }
            var result: [T] = []
            for entry in entries {
                if !StackFile.isValidName(entry.name) {
                    diags.report(
                        .invalidValue(found: entry.name, expected: Expect.name, reason: nil, suggestion: nil),
                        at: entry.key.mark,
                        key: section, context: nil)
                }
                if section == "services", let line = dependencyLines[entry.name] {
                    diags.report(
                        .duplicateName(
                            name: entry.name, firstLine: line,
                            expected: "names unique across dependencies and services"), at: entry.key.mark,
                        key: section, context: nil)
                }
                let value = Field(
                    node: entry.value, key: entry.name, context: section, diags: diags,
                    path: "\(field.path).\(entry.name)")
                if let item = read(entry.name, value) { result.append(item) }
            }
            return result
        }

        /// The `name` of a list item, if it has a readable one, to name the item in messages.
        func peekName(_ node: Node, key: String = "name") -> String? {
            guard case .mapping(let mapping) = node else { return nil }
            for (k, v) in mapping where YAML.text(k) == key {
                return YAML.text(v).map { StackFileError.clean($0, limit: 40) }
            }
            return nil
        }

        // MARK: References

        enum ReferenceScope {
            /// Variables of services and environments, probe URLs, hooks and runbook steps: every form.
            case service
            /// The command and arguments of an instance or an exec probe: every form but secrets and
            /// dependency URLs, which anyone on the host could read in the process list.
            case arguments
            /// URLs of dependencies and notification channels: only `${secret:NAME}` (they are
            /// resolved outside any one instance or environment).
            case url
        }

        /// Checks the `${...}` references of a string value.
        func checkReferences(_ field: Field, _ text: String, scope: ReferenceScope) {
            guard text.contains("$") else { return }
            let references: [Interpolation.Reference]
            do {
                references = try Interpolation.references(in: text)
            } catch {
                switch error.kind {
                case .unknown:
                    field.report(
                        .unknownReference(
                            found: error.reference, expected: error.expected,
                            suggestion: diags.suggestion(for: error.reference, among: referenceCandidates(scope))))
                case .unterminated:
                    field.invalid(error.expected, reason: "unterminated reference '\(error.reference)'", found: text)
                case .invalidName:
                    field.invalid(error.expected, reason: "invalid reference '\(error.reference)'", found: text)
                }
                return
            }
            for reference in references {
                switch (reference, scope) {
                case (.secret, .arguments), (.dependencyURL, .arguments):
                    field.invalid(
                        Self.argumentsExpected, reason: Self.secretsInArguments, found: reference.description)
                case (.secret, _):
                    continue
                case (_, .url):
                    field.report(
                        .unknownReference(
                            found: reference.description, expected: "${secret:NAME}, the only reference a URL may use",
                            suggestion: nil))
                case (.dependencyURL(let name), _) where !isDependency(name):
                    field.report(
                        .unknownReference(
                            found: reference.description, expected: declared("a declared dependency", dependencyNames),
                            suggestion: diags.suggestion(for: name, among: dependencyNames).map {
                                Interpolation.Reference.dependencyURL(dependency: $0).description
                            }))
                case (.servicePort(let name), _) where !servicesWithPort.contains(name):
                    let withPort = serviceNames.filter(servicesWithPort.contains)
                    field.report(
                        .unknownReference(
                            found: reference.description,
                            expected: declared("a declared service with a port", withPort),
                            suggestion: diags.suggestion(for: name, among: withPort).map {
                                Interpolation.Reference.servicePort(service: $0).description
                            }))
                default:
                    continue
                }
            }
        }

        private func referenceCandidates(_ scope: ReferenceScope) -> [String] {
            switch scope {
            case .url:
                return []
            case .service, .arguments:
                return ["${port}", "${version}", "${service}", "${environment}", "${instance}"]
                    + (scope == .service ? dependencyNames.map { "${dependencies.\($0).url}" } : [])
                    + serviceNames.filter(servicesWithPort.contains).map { "${services.\($0).port}" }
            }
        }

        /// Why secrets and dependency URLs are refused in commands and arguments.
        static let secretsInArguments = "secrets reach the process list through arguments; pass them in `env`"
        static let argumentsExpected =
            "a command or argument without ${secret:NAME} or ${dependencies.NAME.url}"

        /// A string with references checked.
        func interpolated(_ field: Field, scope: ReferenceScope = .service) -> String? {
            guard let text = field.string() else { return nil }
            checkReferences(field, text, scope: scope)
            return text
        }

        /// A command with the references of each word checked.
        func command(_ field: Field) -> [String]? { command(field, scope: .service) }

        /// A command with the references of each word checked in `scope`.
        func command(_ field: Field, scope: ReferenceScope) -> [String]? {
            guard let words = field.command() else { return nil }
            for word in words { checkReferences(field, word, scope: scope) }
            return words
        }

        /// Whether a URL starts with a scheme (`postgres://`, `mailto:`), or with a reference.
        func checkURL(_ field: Field, _ url: String, requireSlashes: Bool) {
            if url.hasPrefix("${") { return }
            let scalars = Array(url.unicodeScalars)
            var i = 0
            func isSchemeCharacter(_ s: Unicode.Scalar) -> Bool {
                ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
                    || "+.-".unicodeScalars
                        .contains(s)
            }
            if let first = scalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) {
                while i < scalars.count, isSchemeCharacter(scalars[i]) { i += 1 }
            }
            let hasScheme = i > 0 && i < scalars.count && scalars[i] == ":"
            let hasSlashes = hasScheme && i + 2 < scalars.count && scalars[i + 1] == "/" && scalars[i + 2] == "/"
            if !hasScheme || (requireSlashes && !hasSlashes) {
                field.invalid(
                    requireSlashes
                        ? "a URL such as postgres://user@host:5432/db"
                        : "a URL such as https://hooks.example.com/… or mailto:oncall@example.com")
            }
        }

        // MARK: Cycles

        private func checkServiceCycles() {
            // Depth-first search in file order; a back edge closes a cycle.
            enum State { case visiting, done }
            var state: [String: State] = [:]
            var path: [String] = []
            func visit(_ service: String) {
                state[service] = .visiting
                path.append(service)
                for edge in serviceEdges[service] ?? [] where serviceSet.contains(edge.target) {
                    switch state[edge.target] {
                    case .visiting:
                        let start = path.lastIndex(of: edge.target) ?? 0
                        diags.report(
                            .cycle(path: Array(path[start...]) + [edge.target]), at: edge.mark, key: "dependsOn",
                            context: "service '\(service)'")
                    case .done:
                        continue
                    case nil:
                        visit(edge.target)
                    }
                }
                path.removeLast()
                state[service] = .done
            }
            for service in serviceNames where state[service] == nil { visit(service) }
        }

        private func checkPromotionCycles() {
            var reported = Set<String>()
            for start in environmentNames where !reported.contains(start) {
                var path = [start]
                var current = start
                while let next = promotions[current]?.target, next != current {
                    if let index = path.firstIndex(of: next) {
                        let cycle = Array(path[index...])
                        if cycle.allSatisfy({ !reported.contains($0) }) {
                            reported.formUnion(cycle)
                            diags.report(
                                .cycle(path: cycle + [next]), at: promotions[current]?.mark, key: "promotesTo",
                                context: "environment '\(current)'")
                        }
                        break
                    }
                    path.append(next)
                    current = next
                }
            }
        }
    }
}
