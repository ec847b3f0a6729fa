import Foundation
import Yams

// `environments:` and retention policies. The keys are listed in `StackFileSchema.swift`.

extension StackFile.Compiler {
    func environment(name: String, _ field: Field) -> EnvironmentSpec? {
        let context = "environment '\(name)'"
        var spec = EnvironmentSpec(name: name)
        if field.isNull { return spec }  // `production:` with nothing under it takes every default
        guard let r = field.mapping(context: context, section: .environment) else { return nil }
        defer { r.finish() }

        if let field = r.field("promotesTo"), let target = field.string(expected: "an environment name") {
            if target == name {
                field.invalid("another environment", reason: "an environment cannot promote to itself")
            } else if !environmentSet.contains(target) {
                let others = environmentNames.filter { $0 != name }
                field.report(
                    .unknownReference(
                        found: target, expected: declared("a declared environment", others),
                        suggestion: diags.suggestion(for: target, among: others)))
            } else {
                spec.promotesTo = target
                promotions[name] = (target, field.mark)
            }
        }
        if let approvals = r.int("approvals", 0...Int.max) { spec.approvals = approvals }
        if let field = r.field("window"), let text = field.string(expected: "a window such as 'Sun 02:00-06:00 UTC'") {
            do {
                spec.window = try DeploymentWindow(parsing: text)
            } catch {
                field.invalid(
                    "\(error.expected) (a window reads \(DeploymentWindow.grammar))",
                    reason: error.found.isEmpty ? "the window ends early" : "found '\(error.found)'")
            }
        }
        if let field = r.field("instances"),
            let entries = field.entries(expected: "a mapping of service names to counts")
        {
            for entry in entries {
                if !serviceSet.contains(entry.name) {
                    diags.report(
                        .unknownReference(
                            found: entry.name, expected: declared("a declared service", serviceNames),
                            suggestion: diags.suggestion(for: entry.name, among: serviceNames)),
                        at: entry.key.mark, key: "instances", context: context)
                }
                let value = Field(node: entry.value, key: "instances.\(entry.name)", context: context, diags: diags)
                if let count = value.int(ServiceSpec.instanceRange) { spec.instances[entry.name] = count }
            }
        }
        if let field = r.field("env") { spec.env = variables(field) ?? [:] }
        if let items = r.field("requiredEnv")?.list(expected: "a list of variable names") {
            for item in items {
                guard let name = item.string(expected: "a variable name") else { continue }
                if Self.isVariableName(name) {
                    spec.requiredEnv.append(name)
                } else {
                    item.invalid(Self.variableNameExpected)
                }
            }
        }
        if let field = r.field("markerWebhook"), let url = interpolated(field, scope: .url) {
            if url.hasPrefix("http://") || url.hasPrefix("https://") {
                spec.markerWebhook = url
            } else {
                field.invalid("an http:// or https:// URL, such as https://grafana.example.com/api/annotations")
            }
        }
                spec.minimumHealthyTime = r.span("minimumHealthyTime")
        spec.backupBeforeMigrate = r.bool("backupBeforeMigrate")
        spec.backupRetention = r.field("backupRetention").flatMap {
            retention($0, context: "backup retention of \(context)")
        }
        return spec
    }

    /// A retention policy; a bare span is its `maxAge` (`backupRetention: 30d`).
    func retention(_ field: Field, context: String) -> RetentionSpec? {
        if case .scalar = field.node {
            guard let span = field.span() else { return nil }
            return RetentionSpec(maxAge: span)
        }
        guard
            let r = field.mapping(
                context: context, section: .retention,
                expected: "a time span such as 30d, or a mapping with maxAge, keepLast, …")
        else { return nil }
        defer { r.finish() }
        if !Schema.retention.contains(where: r.has) {
            diags.report(.missingOneOf(names: Schema.retention), at: r.mark, context: context)
            return nil
        }
        return RetentionSpec(
            maxAge: r.span("maxAge"), keepLast: r.int("keepLast", 0...Int.max),
            keepDaily: r.int("keepDaily", 0...Int.max),
            keepWeekly: r.int("keepWeekly", 0...Int.max), keepMonthly: r.int("keepMonthly", 0...Int.max))
    }
}
