import Foundation
import Yams

// `runbooks:` — procedures as steps. The keys are listed in `StackFileSchema.swift`; what the
// steps do is `RunbookSpec.Action`, how a run proceeds is `RunbookRun`.

extension StackFile.Compiler {
    func runbooks(_ field: Field) -> [RunbookSpec] {
        guard let items = field.list(expected: "a list of runbooks") else { return [] }
        var names = UniqueNames(what: "runbook names")
        return items.enumerated().compactMap { index, item in
            let context = peekName(item.node).map { "runbook '\($0)'" } ?? "runbook \(index + 1)"
            guard let r = item.mapping(context: context, section: .runbook) else { return nil }
            defer { r.finish() }
            let name = r.required("name", expected: Expect.name).flatMap { field -> String? in
                guard let name = field.string(expected: Expect.name) else { return nil }
                guard StackFile.isValidName(name) else {
                    field.invalid(Expect.name)
                    return nil
                }
                return names.check(field)
            }
            let description = r.string("description")
            var environments: [String] = []
            for item in r.field("environments")?.list(expected: "a list of environment names") ?? [] {
                guard let environment = item.string(expected: "an environment name") else { continue }
                if environmentSet.contains(environment) {
                    environments.append(environment)
                } else {
                    item.report(
                        .unknownReference(
                            found: environment, expected: declared("a declared environment", environmentNames),
                            suggestion: diags.suggestion(for: environment, among: environmentNames)))
                }
            }
            let stepsExpected = "a list of steps, each with a name and one of \(Schema.runbookActions.joined(separator: ", "))"
            var steps: [RunbookSpec.Step] = []
            if let field = r.required("steps", expected: stepsExpected), let items = field.list(expected: stepsExpected) {
                if items.isEmpty { field.invalid(stepsExpected, reason: "there are no steps", found: "[]") }
                var stepNames = UniqueNames(what: "step names within a runbook")
                for (stepIndex, item) in items.enumerated() {
                    let stepContext =
                        (peekName(item.node).map { "step '\($0)'" } ?? "step \(stepIndex + 1)") + " of \(context)"
                    if let step = runbookStep(item, context: stepContext, names: &stepNames, earlier: steps) {
                        steps.append(step)
                    }
                }
            }
            guard let name else { return nil }
            return RunbookSpec(name: name, description: description, steps: steps, environments: environments)
        }
    }

    private func runbookStep(
        _ item: Field, context: String, names: inout UniqueNames, earlier: [RunbookSpec.Step]
    ) -> RunbookSpec.Step? {
        guard let s = item.mapping(context: context, section: .runbookStep) else { return nil }
        defer { s.finish() }
        let name = s.required("name", expected: "a non-empty string").flatMap { names.check($0) }
        let confirm = s.bool("confirm") ?? false
        let stopOnFailure = s.bool("stopOnFailure") ?? true
        let timeout = s.span("timeout") ?? RunbookSpec.Step.defaultTimeout
        let condition = s.field("when").flatMap { runbookCondition($0, earlier: earlier) }
        let present = Schema.runbookActions.filter { s.has($0) }
        var action: RunbookSpec.Action?
        if present.isEmpty {
            if confirm {
                action = .gate
            } else {
                diags.report(.missingOneOf(names: Schema.runbookActions), at: s.mark, context: context)
            }
        } else {
            action = runbookAction(exactlyOne(of: Schema.runbookActions, in: s), in: s, context: context)
        }
        if s.has("env"), present != ["run"], let field = s.rawField("env") {
            field.invalid("`env` only with `run`", reason: "only a command step takes environment variables")
        }
        guard let name, let action else { return nil }
        return RunbookSpec.Step(
            name: name, action: action, stopOnFailure: stopOnFailure, confirm: confirm, condition: condition,
            timeout: timeout)
    }

    private func runbookAction(_ kind: String?, in s: StackFile.MappingReader, context: String) -> RunbookSpec.Action? {
        switch kind {
        case "run"?:
            // Arguments are in the process list: secrets and dependency URLs go in `env`.
            guard let argv = s.required("run", expected: Expect.command).flatMap({ command($0, scope: .arguments) })
            else { return nil }
            return .command(argv, env: s.field("env").flatMap { variables($0) } ?? [:])
        case "http"?:
            return s.mapping("http", context: "http of \(context)", section: .runbookHTTP).flatMap(runbookHTTP)
        case "sql"?:
            guard let m = s.mapping("sql", context: "sql of \(context)", section: .runbookSQL) else { return nil }
            defer { m.finish() }
            let dependency = m.required("dependency", expected: "a postgres dependency name").flatMap {
                self.dependency($0, of: .postgres, because: "sql steps run against PostgreSQL")
            }
            var statements: [String]?
            switch exactlyOne(of: ["statement", "statements"], in: m) {
            case "statement"?: statements = m.nonEmptyString("statement", required: true).map { [$0] }
            case "statements"?: statements = m.strings("statements", required: true)
            default: break
            }
            if let list = statements, list.isEmpty || list.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                m.rawField("statements")?.invalid("a list of non-empty SQL statements")
                return nil
            }
            guard let dependency, let statements else { return nil }
            return .sql(dependency: dependency, statements: statements)
        case "redis"?:
            guard let m = s.mapping("redis", context: "redis of \(context)", section: .runbookRedis) else { return nil }
            defer { m.finish() }
            let dependency = m.required("dependency", expected: "a redis dependency name").flatMap {
                self.dependency($0, of: .redis, because: "redis steps send Redis commands")
            }
            let words = m.required("command", expected: Expect.command).flatMap { command($0) }
            guard let dependency, let words else { return nil }
            return .redis(dependency: dependency, command: words)
        case "restart"?:
            return s.required("restart", expected: "a declared service").flatMap { declaredService($0) }.map { .restart(service: $0) }
        case "scale"?:
            guard let m = s.mapping("scale", context: "scale of \(context)", section: .runbookScale) else { return nil }
            defer { m.finish() }
            let service = m.required("service", expected: "a declared service").flatMap { declaredService($0) }
            let instances = m.int("instances", ServiceSpec.instanceRange, required: true)
            guard let service, let instances else { return nil }
            return .scale(service: service, instances: instances)
        default:
            return nil
        }
    }

    private func runbookHTTP(_ m: StackFile.MappingReader) -> RunbookSpec.Action? {
        defer { m.finish() }
        let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        let url = m.required("url", expected: "an http:// or https:// URL").flatMap { field -> String? in
            guard let text = interpolated(field) else { return nil }
            let lowered = text.lowercased()
            guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("${") else {
                field.invalid("an http:// or https:// URL")
                return nil
            }
            return text
        }
        var method = "GET"
        if let field = m.field("method"), let text = field.string(expected: Expect.oneOf(methods)) {
            if methods.contains(text.uppercased()) {
                method = text.uppercased()
            } else {
                field.invalid(Expect.oneOf(methods))
            }
        }
        var headers: [String: String] = [:]
        if let field = m.field("headers"), let map = field.stringMap() {
            for value in map.values { checkReferences(field, value, scope: .service) }
            headers = map
        }
        let body = m.field("body").flatMap { interpolated($0) }
        var expectStatus: [Int] = []
        if let field = m.field("expectStatus") {
            let items: [Field] = if case .sequence = field.node { field.list() ?? [] } else { [field] }
            expectStatus = items.compactMap { $0.int(100...599, expected: "an HTTP status or a list of them") }
        }
        guard let url else { return nil }
        return .http(RunbookSpec.HTTPRequest(method: method, url: url, headers: headers, body: body, expectStatus: expectStatus))
    }

    private func runbookCondition(_ field: Field, earlier: [RunbookSpec.Step]) -> RunbookCondition? {
        guard let text = field.string(expected: RunbookCondition.expected) else { return nil }
        let condition: RunbookCondition
        do {
            condition = try RunbookCondition(parsing: text)
        } catch {
            field.invalid(RunbookCondition.expected, reason: error.reason)
            return nil
        }
        let names = earlier.map(\.name)
        guard names.contains(condition.step) else {
            field.report(
                .unknownReference(
                    found: "steps.\(condition.step)", expected: declared("an earlier step of this runbook", names),
                    suggestion: diags.suggestion(for: condition.step, among: names).map { "steps.\($0)" }))
            return nil
        }
        return condition
    }

    /// A service the stack declares, or a positioned error with a suggestion.
    func declaredService(_ field: Field, expected: String = "a declared service") -> String? {
        guard let name = field.string(expected: expected) else { return nil }
        guard serviceSet.contains(name) else {
            field.report(
                .unknownReference(
                    found: name, expected: declared("a declared service", serviceNames),
                    suggestion: diags.suggestion(for: name, among: serviceNames)))
            return nil
        }
        return name
    }

    /// A declared dependency of the given kind, for steps and policies that talk to it.
    func dependency(_ field: Field, of kind: DependencySpec.Kind, because purpose: String) -> String? {
        let ofKind = dependencyNames.filter { dependencyKinds[$0] == kind }
        guard let name = field.string(expected: "a \(kind.rawValue) dependency name") else { return nil }
        guard isDependency(name) else {
            field.report(
                .unknownReference(
                    found: name, expected: declared("a declared \(kind.rawValue) dependency", ofKind),
                    suggestion: diags.suggestion(for: name, among: dependencyNames)))
            return nil
        }
        if let actual = dependencyKinds[name], actual != kind {
            field.invalid(
                declared("a \(kind.rawValue) dependency", ofKind),
                reason: "'\(name)' is a \(actual.rawValue) dependency and \(purpose)")
            return nil
        }
        return name
    }
}
