import Foundation
import Yams

// `dependencies:` and `services:` (with probes, restart and log policies).
// The keys are listed in `StackFileSchema.swift`.

extension StackFile.Compiler {
    // MARK: Dependencies

    func dependency(name: String, _ field: Field) -> DependencySpec? {
        let context = "dependency '\(name)'"
        guard let r = field.mapping(context: context, section: .dependency, expected: "a mapping with type and url")
        else { return nil }
        defer { r.finish() }

        var url: String?
        if let field = r.required("url", expected: "a URL such as postgres://user@host:5432/db"),
            let text = field.nonEmptyString()
        {
            checkURL(field, text, requireSlashes: true)
            checkReferences(field, text, scope: .url)
            url = text
        }
        var kind = r.choice("type", DependencySpec.Kind.self)
        if !r.has("type") {
            kind = url.flatMap(Self.kind(ofURL:))
            if kind == nil, url != nil {
                r.missing(
                    "type",
                    expected: "postgres, redis, http or s3 (the url's scheme does not tell which)")
            }
        }
        let required = r.bool("required") ?? true
        var migrations: String?
        if let field = r.field("migrations"), let path = field.nonEmptyString(expected: "a directory path such as db/migrations") {
            if kind != nil, kind != .postgres {
                field.invalid(
                    "a postgres dependency, or no migrations key",
                    reason: "only postgres dependencies have migrations, this one is \(kind!.rawValue)")
            } else if path.contains("${") {
                field.invalid("a plain directory path such as db/migrations", reason: "references are not resolved in a path")
            } else {
                migrations = path
            }
        }
        guard let url, let kind else { return nil }
        return DependencySpec(name: name, kind: kind, url: url, required: required, migrations: migrations)
    }

    // MARK: Services

    func service(name: String, _ field: Field) -> ServiceSpec? {
        let context = "service '\(name)'"
        guard
            let r = field.mapping(context: context, section: .service, expected: "a mapping with at least 'command'")
        else { return nil }
        defer { r.finish() }

        let command = r.required("command", expected: "a string: the executable to run").flatMap { field in
            field.nonEmptyString().map { text in
                checkReferences(field, text, scope: .arguments)
                return text
            }
        }
        var args: [String] = []
        if let items = r.field("args")?.list(expected: Expect.strings) {
            args = items.compactMap { interpolated($0, scope: .arguments) }
        }
        let env = r.field("env").flatMap { variables($0) } ?? [:]
        let workingDirectory = r.nonEmptyString("workingDirectory")
        let port = r.int("port", 1...65535)
        let instances = r.int("instances", ServiceSpec.instanceRange) ?? 1
        let dependsOn = r.field("dependsOn").map { self.dependsOn($0, service: name) } ?? []
        let liveness = r.field("liveness").flatMap { probe($0, context: "liveness probe of \(context)") }
        let readiness = r.field("readiness").flatMap { probe($0, context: "readiness probe of \(context)") }
        let stopGracePeriod = r.span("stopGracePeriod") ?? .seconds(10)
        let restart = r.field("restart").flatMap { restartPolicy($0, context: "restart policy of \(context)") }
        let deploy = r.field("deploy").flatMap { deployPolicy($0, service: name) }
        let logs = r.field("logs").flatMap { logPolicy($0, context: "log policy of \(context)") }

        guard let command else { return nil }
        return ServiceSpec(
            name: name, command: command, args: args, env: env, workingDirectory: workingDirectory, port: port,
            instances: instances, dependsOn: dependsOn, liveness: liveness, readiness: readiness,
            stopGracePeriod: stopGracePeriod, restart: restart ?? RestartPolicy(), deploy: deploy ?? DeployPolicy(),
            logs: logs ?? LogPolicy())
    }

    /// `env:` of a service or an environment: variable names to scalars, references checked.
    func variables(_ field: Field) -> [String: String]? {
        guard let entries = field.entries(expected: "a mapping of variable names to values") else { return nil }
        var result: [String: String] = [:]
        for entry in entries {
            let key = "env.\(entry.name)"
            if !Self.isVariableName(entry.name) {
                diags.report(
                    .invalidValue(found: entry.name, expected: Self.variableNameExpected, reason: nil, suggestion: nil),
                    at: entry.key.mark, key: "env", context: field.context)
            }
            let value = Field(node: entry.value, key: key, context: field.context, diags: diags)
            if value.isNull {
                result[entry.name] = ""
            } else if let text = value.string(expected: "a string, number or boolean") {
                checkReferences(value, text, scope: .service)
                result[entry.name] = text
            }
        }
        return result
    }

    static let variableNameExpected = "a variable name of letters, digits and '_', not starting with a digit"

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    private func dependsOn(_ field: Field, service: String) -> [String] {
        guard let items = field.list(expected: "a list of dependency and service names") else { return [] }
        var result: [String] = []
        var lines: [String: Int] = [:]
        for item in items {
            guard let name = item.string(expected: "a dependency or service name") else { continue }
            if let line = lines[name] {
                item.report(.duplicateName(name: name, firstLine: line, expected: "each name once"))
                continue
            }
            lines[name] = item.mark?.line ?? 1
            guard isDependency(name) || serviceSet.contains(name) else {
                let candidates = dependencyNames + serviceNames
                item.report(
                    .unknownReference(
                        found: name, expected: declared("a declared dependency or service", candidates),
                        suggestion: diags.suggestion(for: name, among: candidates)))
                continue
            }
            result.append(name)
            if serviceSet.contains(name) { serviceEdges[service, default: []].append((name, item.mark)) }
        }
        return result
    }

    // MARK: Probes

    func probe(_ field: Field, context: String) -> ProbeSpec? {
        guard let r = field.mapping(context: context, section: .probe, expected: "a mapping with one check") else {
            return nil
        }
        defer { r.finish() }

        let checks = exactlyOne(of: Schema.probeChecks, in: r)
        var check: ProbeSpec.Check?
        switch checks {
        case "http"?:
            check = r.field("http").flatMap { httpCheck($0, context: "http check of \(context)") }
            if r.field("http") == nil {
                r.rawField("http")?.wrongType("a path such as /healthz, or a mapping with path")
            }
        case "tcp"?:
            check = r.rawField("tcp").flatMap(tcpCheck)
        case "exec"?:
            check = r.required("exec", expected: Expect.command)
                .flatMap { command($0, scope: .arguments) }.map { .exec(command: $0) }
        case "postgres"?:
            check = r.required("postgres", expected: "a URL such as ${dependencies.db.url}")
                .flatMap { interpolated($0) }.map { .postgres(url: $0) }
        case "redis"?:
            check = r.required("redis", expected: "a URL such as ${dependencies.cache.url}")
                .flatMap { interpolated($0) }.map { .redis(url: $0) }
        default:
            break
        }
        let interval = r.span("interval") ?? .seconds(10)
        let timeout = r.span("timeout") ?? .seconds(1)
        let failureThreshold = r.int("failureThreshold", 1...Int.max) ?? 3
        let successThreshold = r.int("successThreshold", 1...Int.max) ?? 1
        let initialDelay = r.span("initialDelay") ?? .milliseconds(0)
        guard let check else { return nil }
        return ProbeSpec(
            check: check, interval: interval, timeout: timeout, failureThreshold: failureThreshold,
            successThreshold: successThreshold, initialDelay: initialDelay)
    }

    /// The one key of `alternatives` present in the mapping (the first in document order),
    /// reporting when none or several are present.
    func exactlyOne(of alternatives: [String], in r: StackFile.MappingReader) -> String? {
        var present: [String] = []
        for entry in r.entries where alternatives.contains(entry.name) && !present.contains(entry.name) {
            present.append(entry.name)
        }
        guard let first = present.first else {
            diags.report(.missingOneOf(names: alternatives), at: r.mark, context: r.context)
            return nil
        }
        for other in present.dropFirst() {
            diags.report(
                .conflictingKeys(found: other, other: first, expected: alternatives), at: r.keyMark(other),
                context: r.context)
        }
        return first
    }

    private func httpCheck(_ field: Field, context: String) -> ProbeSpec.Check? {
        let pathExpected = "a path starting with /, such as /healthz"
        func path(_ field: Field) -> String? {
            guard let text = field.string(expected: pathExpected) else { return nil }
            guard text.hasPrefix("/") else {
                field.invalid(pathExpected)
                return nil
            }
            return text
        }
        if case .scalar = field.node {
            return path(field).map { .http(ProbeSpec.HTTPCheck(path: $0)) }
        }
        guard let r = field.mapping(context: context, section: .httpCheck, expected: "a mapping with path") else {
            return nil
        }
        defer { r.finish() }
        let path = r.required("path", expected: pathExpected).flatMap(path)
        let port = r.int("port", 1...65535)
        let expectStatus = r.field("expectStatus").flatMap(statusRange)
        let expectJSON = r.field("expectJSON").flatMap { jsonExpectations($0) }
        let headers = r.stringMap("headers")
        guard let path else { return nil }
        return .http(
            ProbeSpec.HTTPCheck(
                path: path, port: port, expectStatus: expectStatus ?? 200...399, expectJSON: expectJSON ?? [:],
                headers: headers ?? [:]))
    }

    private func statusRange(_ field: Field) -> ClosedRange<Int>? {
        let expected = "a status such as 200, or a range such as 200-299 or 2xx"
        guard let text = field.string(expected: expected) else { return nil }
        let valid = 100...599
        if let status = StackFile.YAML.integer(from: text), valid.contains(status) { return status...status }
        if text.count == 3, let first = text.first?.wholeNumberValue, text.lowercased().hasSuffix("xx"),
            valid.contains(first * 100)
        {
            return (first * 100)...(first * 100 + 99)
        }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        if ends.count == 2, let low = StackFile.YAML.integer(from: String(ends[0])),
            let high = StackFile.YAML.integer(from: String(ends[1])), valid.contains(low), valid.contains(high),
            low <= high
        {
            return low...high
        }
        field.invalid(expected)
        return nil
    }

    /// `expectJSON`: fields to values; nested mappings become dotted fields (`checks.database`).
    private func jsonExpectations(_ field: Field) -> [String: String]? {
        var result: [String: String] = [:]
        func collect(_ field: Field, prefix: String) {
            guard let entries = field.entries(expected: "a mapping of JSON fields to expected values") else { return }
            for entry in entries {
                let name = prefix + entry.name
                let value = Field(node: entry.value, key: "expectJSON.\(name)", context: field.context, diags: diags)
                switch entry.value {
                case .mapping:
                    collect(value, prefix: name + ".")
                case .scalar:
                    result[name] = value.isNull ? "null" : value.text
                default:
                    value.wrongType("a value (string, number or boolean) or a mapping of fields")
                }
            }
        }
        collect(field, prefix: "")
        return result
    }

    private func tcpCheck(_ field: Field) -> ProbeSpec.Check? {
        let expected = "true (the instance's port), a port, or a mapping with port"
        if field.isNull { return .tcp(port: nil) }
        switch field.node {
        case .scalar:
            let text = field.text ?? ""
            if ["true", "yes", "on"].contains(text.lowercased()) { return .tcp(port: nil) }
            if let port = StackFile.YAML.integer(from: text), (1...65535).contains(port) { return .tcp(port: port) }
            field.invalid(expected)
            return nil
        case .mapping:
            guard let r = field.mapping(context: "tcp check of \(field.context ?? "a probe")", section: .tcpCheck)
            else { return nil }
            defer { r.finish() }
            return .tcp(port: r.int("port", 1...65535))
        default:
            field.wrongType(expected)
            return nil
        }
    }

    // MARK: Restart and logs

    private func restartPolicy(_ field: Field, context: String) -> RestartPolicy? {
        if case .scalar = field.node {
            return field.choice(RestartPolicy.Mode.self).map { RestartPolicy(mode: $0) }
        }
        guard
            let r = field.mapping(context: context, section: .restart, expected: "a policy or a mapping with policy")
        else { return nil }
        defer { r.finish() }
        var policy = RestartPolicy()
        if let mode = r.choice("policy", RestartPolicy.Mode.self) { policy.mode = mode }
        if let span = r.span("initialBackoff") { policy.initialBackoff = span }
        if let span = r.span("maxBackoff") {
            if span < policy.initialBackoff {
                r.field("maxBackoff")?.invalid("a span of at least initialBackoff (\(policy.initialBackoff))")
            } else {
                policy.maxBackoff = span
            }
        } else if policy.maxBackoff < policy.initialBackoff {
            policy.maxBackoff = policy.initialBackoff
        }
        return policy
    }

    private func logPolicy(_ field: Field, context: String) -> LogPolicy? {
        guard let r = field.mapping(context: context, section: .logs) else { return nil }
        defer { r.finish() }
        var policy = LogPolicy()
        if let field = r.field("maxBytes"), let bytes = byteSize(field) { policy.maxBytes = bytes }
        if let keep = r.int("keepFiles", 0...Int.max) { policy.keepFiles = keep }
        return policy
    }

    /// `1048576`, `512KB`, `10MB`, `1GB` (1024-based; `KiB`, `MiB`, `GiB` and `B` too).
    private func byteSize(_ field: Field) -> Int? {
        let expected = "a size of at least 1 byte such as 10MB, 512KB or 1048576"
        guard let text = field.string(expected: expected) else { return nil }
        let units: [(String, Int)] = [
            ("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30),
            ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1),
        ]
        let lower = text.lowercased().replacingOccurrences(of: " ", with: "")
        var number = Substring(lower)
        var factor = 1
        if let unit = units.first(where: { lower.hasSuffix($0.0) }) {
            number = number.dropLast(unit.0.count)
            factor = unit.1
        }
        guard let value = StackFile.YAML.integer(from: String(number)), value >= 1 else {
            field.invalid(expected)
            return nil
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: factor)
        guard !overflow else {
            field.invalid(expected)
            return nil
        }
        return bytes
    }
}
