import Foundation
import Yams

// `deploy:` of a service: strategy, batch sizes, hooks, canary steps and rollback rules.
// The keys are listed in `StackFileSchema.swift`.

extension StackFile.Compiler {
    func deployPolicy(_ field: Field, service: String) -> DeployPolicy? {
        let context = "deploy policy of service '\(service)'"
        guard let r = field.mapping(context: context, section: .deploy) else { return nil }
        defer { r.finish() }

        var policy = DeployPolicy()
        if let strategy = r.choice("strategy", DeployPolicy.Strategy.self) { policy.strategy = strategy }
        if let surge = r.int("maxSurge", 0...Int.max) { policy.maxSurge = surge }
        if let unavailable = r.int("maxUnavailable", 0...Int.max) { policy.maxUnavailable = unavailable }
        if policy.maxSurge == 0, policy.maxUnavailable == 0, r.has("maxSurge") || r.has("maxUnavailable") {
            let field = r.field("maxUnavailable") ?? r.field("maxSurge")
            field?.invalid(
                "maxSurge or maxUnavailable of at least 1", reason: "a rolling deployment with neither cannot progress")
        }
        if let span = r.span("readinessTimeout") { policy.readinessTimeout = span }
        if let retries = r.int("healthCheckRetries", 1...Int.max) { policy.healthCheckRetries = retries }
        if let span = r.span("keepPrevious") { policy.keepPrevious = span }
        policy.smoke = r.field("smoke").map(commands) ?? []
        policy.migrate = r.field("migrate").map(migrations) ?? []
        policy.preDeploy = r.field("preDeploy").map(commands) ?? []
        policy.postDeploy = r.field("postDeploy").map(commands) ?? []
        if let field = r.field("canary") {
            policy.canary = canary(field, service: service)
            if policy.strategy == .rolling {
                let at = r.field("strategy")
                diags.report(
                    .invalidValue(
                        found: policy.strategy.rawValue, expected: "canary or blue-green",
                        reason: (at == nil ? "the strategy defaults to rolling, but " : "")
                            + "canary steps shift traffic between two releases, which a rolling deployment does not",
                        suggestion: nil),
                    at: at?.mark ?? r.keyMark("canary"), key: "strategy", context: context)
            }
        } else if policy.strategy == .canary, !r.has("canary") {
            r.missing(
                "canary", expected: "canary steps for the canary strategy, such as steps: [{weight: 10}, {pause: 5m}]")
        }
        policy.rollbackRules = r.field("rollback").map(rules) ?? []
        return policy
    }

    /// A list of commands; a single string is one command.
    func commands(_ field: Field) -> [[String]] {
        if case .scalar = field.node { return command(field).map { [$0] } ?? [] }
        guard let items = field.list(expected: "a list of commands") else { return [] }
        return items.compactMap(command)
    }

    /// `migrate:` — the PostgreSQL dependencies whose pending migrations a deployment applies, each
    /// declared with `migrations:`, each once; a single name is a list of one.
    func migrations(_ field: Field) -> [String] {
        let expected = "a list of postgres dependencies with migrations, such as [db]"
        let items: [Field]
        if case .scalar = field.node {
            items = [field]
        } else {
            guard let list = field.list(expected: expected) else { return [] }
            items = list
        }
        var names: [String] = []
        var lines: [String: Int] = [:]
        for item in items {
            guard let name = dependency(item, of: .postgres, because: "only PostgreSQL databases are migrated") else {
                continue
            }
            if let line = lines[name] {
                item.report(.duplicateName(name: name, firstLine: line, expected: "each dependency once"))
                continue
            }
            lines[name] = item.mark?.line ?? 1
            guard dependenciesWithMigrations.contains(name) else {
                let withMigrations = dependencyNames.filter(dependenciesWithMigrations.contains)
                item.invalid(
                    declared("a dependency with migrations", withMigrations),
                    reason: "'\(name)' declares no migrations (add `migrations: DIRECTORY` to it)")
                continue
            }
            names.append(name)
        }
        return names
    }

    /// A list of rule strings (`error_rate > 5% for 5m`); a single string is one rule.
    func rules(_ field: Field) -> [MetricRule] {
        let items: [Field]
        if case .scalar = field.node {
            items = [field]
        } else {
            guard let list = field.list(expected: "a list of rules such as 'error_rate > 5% for 5m'") else { return [] }
            items = list
        }
        return items.compactMap { item -> MetricRule? in
            guard let text = item.string(expected: "a rule such as 'error_rate > 5% for 5m'") else { return nil }
            do throws(MetricRule.ParseError) {
                return try MetricRule(parsing: text)
            } catch {
                item.invalid(
                    "\(error.expected) (a rule reads \(MetricRule.grammar))",
                    reason: error.found.isEmpty ? "the rule ends early" : "found '\(error.found)'")
                return nil
            }
        }
    }

    private func canary(_ field: Field, service: String) -> CanaryPolicy? {
        let context = "canary of service '\(service)'"
        guard let r = field.mapping(context: context, section: .canary, expected: "a mapping with steps") else {
            return nil
        }
        defer { r.finish() }
        let stepsExpected = "a list of steps such as {weight: 10}, {pause: 5m}, {pause: manual}, {analysis: [...]}"
        guard let items = r.required("steps", expected: stepsExpected)?.list(expected: stepsExpected) else {
            return nil
        }
        if items.isEmpty { r.field("steps")?.invalid(stepsExpected, reason: "there are no steps", found: "[]") }
        var steps: [CanaryPolicy.Step] = []
        var lastWeight: Int?
        for (index, item) in items.enumerated() {
            let stepContext = "canary step \(index + 1) of service '\(service)'"
            guard
                let s = item.mapping(
                    context: stepContext, section: .canaryStep, expected: "a mapping with weight, pause or analysis")
            else { continue }
            defer { s.finish() }
            switch exactlyOne(of: Schema.canaryStep, in: s) {
            case "weight"?:
                guard let field = s.required("weight", expected: "a percentage of traffic from 1 to 100") else {
                    continue
                }
                guard let weight = self.weight(field) else { continue }
                if let lastWeight, weight <= lastWeight {
                    field.invalid("a weight above the previous step's \(lastWeight)")
                    continue
                }
                lastWeight = weight
                steps.append(.weight(weight))
            case "pause"?:
                guard let field = s.rawField("pause") else { continue }
                if let pause = self.pause(field) { steps.append(.pause(pause)) }
            case "analysis"?:
                guard let field = s.required("analysis", expected: "a list of rules such as 'error_rate > 5% for 5m'")
                else { continue }
                let rules = self.rules(field)
                if !rules.isEmpty { steps.append(.analysis(rules)) }
            default:
                continue
            }
        }
        return CanaryPolicy(steps: steps)
    }

    private func weight(_ field: Field) -> Int? {
        let expected = "a percentage of traffic from 1 to 100, such as 10 or 10%"
        guard let text = field.string(expected: expected) else { return nil }
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let weight = StackFile.YAML.integer(from: number), (1...100).contains(weight) else {
            field.invalid(expected)
            return nil
        }
        return weight
    }

    /// `pause: 5m`, or until promoted: `pause: manual`, `pause: {}`, `pause:`.
    /// - Returns: `.some(nil)` for a pause until promoted, `nil` after reporting a mistake.
    private func pause(_ field: Field) -> TimeSpan?? {
        let expected = "a time span such as 5m, or manual (until a person promotes)"
        if field.isNull { return .some(nil) }
        switch field.node {
        case .mapping(let mapping) where mapping.isEmpty:
            return .some(nil)
        case .scalar:
            let text = field.text ?? ""
            if text.lowercased() == "manual" { return .some(nil) }
            guard let span = text == "0" ? .milliseconds(0) : TimeSpan(parsing: text) else {
                field.invalid(expected)
                return nil
            }
            return .some(span)
        default:
            field.wrongType(expected)
            return nil
        }
    }
}
