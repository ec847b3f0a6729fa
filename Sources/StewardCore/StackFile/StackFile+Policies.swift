import Foundation
import Yams

// `slos:`, `backups:`, `alerts:`, `runbooks:`, `incidents:` and `recovery:`.
// The keys are listed in `StackFileSchema.swift`.

extension StackFile.Compiler {
    // MARK: SLOs

    func slos(_ field: Field) -> [SLOSpec] {
        guard let items = field.list(expected: "a list of SLOs") else { return [] }
        var names = UniqueNames(what: "SLO names")
        return items.enumerated().compactMap { index, item in
            let context = peekName(item.node).map { "SLO '\($0)'" } ?? "SLO \(index + 1)"
            guard let r = item.mapping(context: context, section: .slo) else { return nil }
            defer { r.finish() }
            let name = r.required("name", expected: "a non-empty string").flatMap { names.check($0) }
            let service = r.required("service", expected: "a service name").flatMap {
                declaredService($0, expected: "a service name")
            }
            var objective: SLOSpec.Objective?
            switch exactlyOne(of: Schema.sloObjectives, in: r) {
            case "availability"?:
                objective = r.required("availability", expected: "a percentage such as 99.9")
                    .flatMap {
                        percent($0, expected: "a percentage above 0 and at most 100, such as 99.9", allowZero: false)
                    }
                    .map { .availability(percent: $0) }
            case "latency"?:
                objective = r.required("latency", expected: "a mapping with percentile and below").flatMap {
                    latency($0, context: "latency of \(context)")
                }
            case "errorRate"?:
                objective = r.required("errorRate", expected: "a percentage such as 0.1")
                    .flatMap { percent($0, expected: "a percentage from 0 to below 100, such as 0.1", allowZero: true) }
                    .flatMap { value -> Double? in
                        if value >= 100 {
                            r.field("errorRate")?.invalid("a percentage from 0 to below 100, such as 0.1")
                            return nil
                        }
                        return value
                    }
                    .map { .errorRate(belowPercent: $0) }
            default:
                break
            }
            let window = positiveSpan(r, "window") ?? .days(30)
            guard let name, let service, let objective else { return nil }
            return SLOSpec(name: name, service: service, objective: objective, window: window)
        }
    }

    /// `99.9` or `99.9%`, within 0…100.
    private func percent(_ field: Field, expected: String, allowZero: Bool) -> Double? {
        guard let text = field.string(expected: expected) else { return nil }
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard let value = StackFile.YAML.number(from: number), value <= 100, allowZero ? value >= 0 : value > 0 else {
            field.invalid(expected)
            return nil
        }
        return value
    }

    private func latency(_ field: Field, context: String) -> SLOSpec.Objective? {
        guard
            let r = field.mapping(
                context: context, section: .latency, expected: "a mapping with percentile and below")
        else { return nil }
        defer { r.finish() }
        let percentileExpected = "a percentile above 0 and below 100, such as 95 or p95"
        let percentile = r.required("percentile", expected: percentileExpected).flatMap { field -> Double? in
            guard let text = field.string(expected: percentileExpected) else { return nil }
            let number = text.lowercased().hasPrefix("p") ? String(text.dropFirst()) : text
            guard let value = StackFile.YAML.number(from: number), value > 0, value < 100 else {
                field.invalid(percentileExpected)
                return nil
            }
            return value
        }
        let below = positiveSpan(r, "below", required: true)
        guard let percentile, let below else { return nil }
        return .latency(percentile: percentile, below: below)
    }

    private func positiveSpan(_ r: StackFile.MappingReader, _ key: String, required: Bool = false) -> TimeSpan? {
        guard let span = r.span(key, required: required) else { return nil }
        if span.milliseconds <= 0 {
            r.field(key)?.invalid("a time span longer than 0, such as 500ms or 30d")
            return nil
        }
        return span
    }

    // MARK: Backups

    func backups(_ field: Field) -> [BackupSpec] {
        guard let items = field.list(expected: "a list of backup policies") else { return [] }
        return items.enumerated().compactMap { index, item in
            let context = peekName(item.node, key: "dependency").map { "backup of '\($0)'" } ?? "backup \(index + 1)"
            guard let r = item.mapping(context: context, section: .backup) else { return nil }
            defer { r.finish() }
            let dependency = r.required("dependency", expected: "a postgres dependency name").flatMap {
                self.dependency($0, of: .postgres, because: "backups dump PostgreSQL databases")
            }
            var spec = BackupSpec(dependency: dependency ?? "")
            if let field = r.field("schedule"), let text = field.string(expected: StackFile.Cron.grammar) {
                if let problem = StackFile.Cron.problem(in: text) {
                    field.invalid(StackFile.Cron.grammar, reason: problem)
                } else {
                    spec.schedule = text
                }
            }
            if let field = r.field("timeZone"), let zone = timeZone(field) { spec.timeZone = zone }
            if let field = r.field("destination"), let destination = self.destination(field) {
                spec.destination = destination
            }
            spec.retention = r.field("retention").flatMap { retention($0, context: "retention of \(context)") }
            if let verify = r.bool("verify") { spec.verify = verify }
            if let queries = r.strings("integrityQueries") { spec.integrityQueries = queries }
            if let beforeDeploy = r.bool("beforeDeploy") { spec.beforeDeploy = beforeDeploy }
            spec.physical = r.mapping("physical", context: "physical backup of \(context)", section: .physicalBackup)
                .flatMap(physicalBackup)
            return dependency == nil ? nil : spec
        }
    }

    /// A folder path, or `s3://BUCKET[/PREFIX]` with a bucket name S3 accepts.
    func destination(_ field: Field) -> String? {
        let expected = "a folder path or s3://BUCKET/PREFIX"
        guard let text = field.string(expected: expected), !text.isEmpty else {
            field.invalid(expected)
            return nil
        }
        guard text.hasPrefix("s3://") else { return text }
        let bucket = text.dropFirst(5).prefix { $0 != "/" }
        let valid =
            (3...63).contains(bucket.count)
            && bucket.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }
            && bucket.first.map { $0.isLowercase || $0.isNumber } == true
            && bucket.last.map { $0.isLowercase || $0.isNumber } == true
        guard valid else {
            field.invalid(
                expected, reason: "'\(bucket)' is not a bucket name (3-63 lowercase letters, digits, '.' or '-')")
            return nil
        }
        return text
    }

    func timeZone(_ field: Field) -> String? {
        let expected = "a time zone such as UTC or Europe/London"
        guard let text = field.string(expected: expected) else { return nil }
        guard TimeZone(identifier: text) != nil else {
            field.invalid(expected)
            return nil
        }
        return text
    }

    // MARK: Alerts

    func alerts(_ field: Field) -> [AlertRuleSpec] {
        guard let items = field.list(expected: "a list of alert rules") else { return [] }
        let allAlertNames = items.compactMap { peekName($0.node) }
        var names = UniqueNames(what: "alert names")
        return items.enumerated().compactMap { index, item in
            let context = peekName(item.node).map { "alert '\($0)'" } ?? "alert \(index + 1)"
            guard let r = item.mapping(context: context, section: .alert) else { return nil }
            defer { r.finish() }
            let name = r.required("name", expected: "a non-empty string").flatMap { names.check($0) }
            let expression = r.nonEmptyString("expr", required: true)
            let duration = r.span("for") ?? .seconds(0)
            var severity = Severity.p2
            if let field = r.field("severity"), let text = field.string(expected: "P0, P1, P2 or P3") {
                if let value = Severity(rawValue: text.uppercased()) {
                    severity = value
                } else {
                    field.invalid("P0, P1, P2 or P3 (P0 is the most urgent)")
                }
            }
            let labels = r.stringMap("labels") ?? [:]
            var inhibits: [String] = []
            for item in r.field("inhibits")?.list(expected: "a list of alert names") ?? [] {
                guard let target = item.string(expected: "an alert name") else { continue }
                if target == name {
                    item.invalid("another alert", reason: "an alert cannot inhibit itself")
                } else if !alertNames.contains(target) {
                    let others = allAlertNames.filter { $0 != name }
                    item.report(
                        .unknownReference(
                            found: target, expected: declared("another declared alert", others),
                            suggestion: diags.suggestion(for: target, among: others)))
                } else {
                    inhibits.append(target)
                }
            }
            guard let name, let expression else { return nil }
            return AlertRuleSpec(
                name: name, expression: expression, duration: duration, severity: severity, labels: labels,
                inhibits: inhibits)
        }
    }

    // MARK: Incidents and recovery

    func incidents(_ field: Field) -> IncidentPolicySpec? {
        let context = "incidents"
        guard let r = field.mapping(context: context, section: .incidents) else { return nil }
        defer { r.finish() }
        var spec = IncidentPolicySpec()
        if let field = r.field("responseTargets"),
            let entries = field.entries(expected: "a mapping of severities (P0 to P3) to time spans")
        {
            for entry in entries {
                guard let severity = Severity(rawValue: entry.name.uppercased()) else {
                    diags.report(
                        .invalidValue(found: entry.name, expected: "P0, P1, P2 or P3", reason: nil, suggestion: nil),
                        at: entry.key.mark,
                        key: "responseTargets", context: context)
                    continue
                }
                let value = Field(
                    node: entry.value, key: "responseTargets.\(entry.name)", context: context, diags: diags)
                if let span = value.span() { spec.responseTargets[severity] = span }
            }
        }
        if let items = r.field("escalation")?.list(expected: "a list of levels, each with after and notify") {
            var previous: TimeSpan?
            for (index, item) in items.enumerated() {
                let levelContext = "escalation level \(index + 1) of incidents"
                guard let level = item.mapping(context: levelContext, section: .escalationLevel) else { continue }
                defer { level.finish() }
                var after = level.span("after", required: true)
                if let span = after, let previous, span < previous {
                    level.field("after")?.invalid("a time span of at least the previous level's \(previous)")
                    after = nil
                }
                let notifyExpected = "a list of people, schedules or channels to notify"
                var notify: [String]?
                if let field = level.required("notify", expected: notifyExpected) {
                    if case .scalar = field.node {
                        notify = field.string().map { [$0] }
                    } else {
                        notify = field.strings(expected: notifyExpected)
                        if notify?.isEmpty == true {
                            field.invalid(notifyExpected, reason: "nobody is notified", found: "[]")
                            notify = nil
                        }
                    }
                }
                if let after {
                    previous = after
                    if let notify { spec.escalation.append(.init(after: after, notify: notify)) }
                }
            }
        }
        if let field = r.field("channels"), let entries = field.entries(expected: "a mapping of channel names to URLs")
        {
            for entry in entries {
                let value = Field(node: entry.value, key: "channels.\(entry.name)", context: context, diags: diags)
                guard let url = value.nonEmptyString(expected: "a URL such as https://hooks.example.com/…") else {
                    continue
                }
                checkURL(value, url, requireSlashes: false)
                checkReferences(value, url, scope: .url)
                spec.channels[entry.name] = url
            }
        }
        return spec
    }

    func recovery(_ field: Field) -> RecoveryObjectivesSpec? {
        guard let r = field.mapping(context: "recovery", section: .recovery, expected: "a mapping with rto and rpo")
        else { return nil }
        defer { r.finish() }
        let rto = r.span("rto", required: true)
        let rpo = r.span("rpo", required: true)
        guard let rto, let rpo else { return nil }
        return RecoveryObjectivesSpec(rto: rto, rpo: rpo)
    }
}

extension StackFile.Compiler {
    /// Names that must be unique within a list (SLOs, alerts, runbooks, steps).
    struct UniqueNames {
        let what: String
        private var lines: [String: Int] = [:]

        init(what: String) { self.what = what }

        /// The name if it is a non-empty string not seen before; reports otherwise.
        mutating func check(_ field: StackFile.Field) -> String? {
            guard let name = field.nonEmptyString() else { return nil }
            if let line = lines[name] {
                field.report(.duplicateName(name: name, firstLine: line, expected: "unique \(what)"))
                return nil
            }
            lines[name] = field.mark?.line ?? 1
            return name
        }
    }
}
