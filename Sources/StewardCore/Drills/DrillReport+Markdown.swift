import Foundation

extension DrillReport {
    /// The report as Markdown: the verdict first, then the figures against the objectives, the
    /// backups restored, the services started, every stage with its time, and the teardown.
    ///
    /// Pure: the same report renders the same text. It holds no URL and no secret: the report
    /// names databases, backups and instance ids only.
    public var markdown: String {
        var lines = ["# Disaster-recovery drill \(id)", ""]
        lines.append("- Environment: `\(environment)`")
        lines.append("- Started: \(StewardDate.format(startedAt)) by \(startedBy)")
        if let finishedAt { lines.append("- Finished: \(StewardDate.format(finishedAt))") }
        lines.append("- Outcome: **\(outcomeText)**")
        if let error { lines.append("- Error: \(error)") }
        lines += ["", "## Recovery objectives", "", "| objective | declared | achieved | result |", "|---|---|---|---|"]
        lines.append(objectiveRow("RTO (time to healthy)", declared: objectives?.rto, achieved: rtoSeconds, check: verdict?.rto))
        lines.append(objectiveRow("RPO (age of the newest restored transaction)", declared: objectives?.rpo, achieved: rpoSeconds, check: verdict?.rpo))
        if objectives == nil {
            lines += ["", "The stack declares no `recovery:` objectives: the figures are reported, not judged."]
        }
        lines += ["", "RPO is measured from \(Self.recoveryPointBasis)."]
        lines += ["", "## Backups restored", ""]
        if backups.isEmpty { lines.append("None: the stack has no postgres dependency to restore.") }
        for backup in backups {
            lines.append(
                "- `\(backup.dependency)`: backup `\(backup.backup)` (database `\(backup.database)`, snapshot "
                    + "\(StewardDate.format(backup.snapshotAt)), \(backup.verified ? "verified" : "not verified"))")
        }
        lines += ["", "## Services started", ""]
        if services.isEmpty { lines.append("None: no service runs in `\(environment)`.") }
        for service in services {
            let ports = service.ports.isEmpty ? "" : " on ports \(service.ports.map(String.init).joined(separator: ", "))"
            let smoke: String
            switch (service.smokeCommands, service.smokePassed) {
            case (0, _): smoke = "no smoke commands"
            case (let count, true?): smoke = "\(count) smoke command(s) passed"
            case (let count, false?): smoke = "\(count) smoke command(s): FAILED"
            case (let count, nil): smoke = "\(count) smoke command(s) not run"
            }
            lines.append(
                "- `\(service.service)` \(service.version): \(service.instances.map { "`\($0)`" }.joined(separator: ", "))\(ports); \(smoke)")
        }
        lines += ["", "## Stages", "", "| stage | at | took | result | detail |", "|---|---|---|---|---|"]
        for stage in stages {
            let result = stage.passed.map { $0 ? "ok" : "FAILED" } ?? "running"
            let took = stage.seconds.map(Self.duration) ?? "–"
            lines.append(
                "| \(stage.name) | +\(Self.duration(stage.offsetSeconds)) | \(took) | \(result) | \(Self.cell(stage.detail ?? "")) |")
        }
        lines += ["", "## Teardown", ""]
        lines += teardown.isEmpty ? ["Nothing to tear down yet."] : teardown.map { "- \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line for the end of a drill: outcome, RTO and RPO against their objectives.
    public var summary: String {
        let rto = rtoSeconds.map(Self.duration) ?? "not reached"
        let rpo = rpoSeconds.map(Self.duration) ?? "not measured"
        let rtoGoal = objectives.map { " (objective \($0.rto))" } ?? ""
        let rpoGoal = objectives.map { " (objective \($0.rpo))" } ?? ""
        return "drill \(id) in \(environment): \(outcomeText); RTO achieved \(rto)\(rtoGoal), RPO achieved \(rpo)\(rpoGoal)"
    }

    /// `objectives met`, `objectives missed: RTO`, `objectives not declared`, `failed`, `running`.
    public var outcomeText: String {
        switch state {
        case .running: return "running"
        case .failed: return "failed"
        case .completed:
            switch verdict?.outcome {
            case .met?: return "objectives met"
            case .missed?:
                let missed = [verdict?.rto?.met == false ? "RTO" : nil, verdict?.rpo?.met == false ? "RPO" : nil]
                return "objectives missed: " + missed.compactMap { $0 }.joined(separator: ", ")
            case .notDeclared?, nil: return "objectives not declared"
            }
        }
    }

    private func objectiveRow(_ name: String, declared: TimeSpan?, achieved: Double?, check: DrillVerdict.Check?) -> String {
        let result = check.map { $0.met ? "met" : "MISSED" } ?? (declared == nil ? "not declared" : "not measured")
        return "| \(name) | \(declared?.description ?? "not declared") | \(achieved.map(Self.duration) ?? "–") | \(result) |"
    }

    /// Seconds as people read them: `0.8s`, `42.1s`, `3m 05s`, `2h 03m`, `1d 02h`.
    public static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 60 { return String(format: "%.1fs", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%dm %02ds", whole / 60, whole % 60) }
        if whole < 86400 { return String(format: "%dh %02dm", whole / 3600, (whole % 3600) / 60) }
        return String(format: "%dd %02dh", whole / 86400, (whole % 86400) / 3600)
    }

    /// Text safe in a table cell: no pipes, no line breaks.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
