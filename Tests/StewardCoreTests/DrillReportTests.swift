import Foundation
import StewardCore
import Testing

/// The drill report: stages, figures and the Markdown rendering, without processes or clocks.
struct DrillReportTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func report(objectives: RecoveryObjectivesSpec?) -> DrillReport {
        var report = DrillReport(
            id: "20270115-080000-0a0b0c", environment: "staging", startedBy: "ops", startedAt: start, objectives: objectives,
            backups: [
                .init(dependency: "db", backup: "20270115-020000-abcdef", database: "shop",
                      snapshotAt: start.addingTimeInterval(-6 * 3600), verified: true)
            ],
            services: [.init(service: "api", version: "1.4.2", instances: ["drill-20270115-080000-0a0b0c-api-0"], smokeCommands: 1)])
        report.begin("create the scratch cluster", at: start.addingTimeInterval(0.5))
        report.begin("restore db", at: start.addingTimeInterval(2))
        report.end(at: start.addingTimeInterval(14), passed: true, detail: "backup 20270115-020000-abcdef into database shop")
        report.services[0].ports = [41234]
        report.services[0].smokePassed = true
        report.measure(healthyAt: start.addingTimeInterval(75))
        report.state = .completed
        report.finishedAt = start.addingTimeInterval(80)
        report.teardown = ["drill instance drill-20270115-080000-0a0b0c-api-0 stopped", "scratch cluster stopped"]
        return report
    }

    /// Stages get their offsets and durations; a new stage closes the open one as passed.
    @Test func stagesAreTimed() {
        let report = Self.report(objectives: nil)
        #expect(report.stages.map(\.name) == ["create the scratch cluster", "restore db"])
        #expect(report.stages[0].offsetSeconds == 0.5 && report.stages[0].seconds == 1.5 && report.stages[0].passed == true)
        #expect(report.stages[1].seconds == 12)
        #expect(report.currentStage == nil)
    }

    /// RTO runs from the start to healthy, RPO from the snapshot to the start; judged against `recovery:`.
    @Test func figuresAndVerdict() {
        let report = Self.report(objectives: RecoveryObjectivesSpec(rto: .minutes(1), rpo: .hours(24)))
        // Dates are doubles counted from 2001: compare to the millisecond.
        #expect(abs((report.rtoSeconds ?? 0) - 75) < 0.001)
        #expect(abs((report.rpoSeconds ?? 0) - 6 * 3600) < 0.001)
        #expect(report.verdict?.outcome == .missed)
        #expect(report.outcomeText == "objectives missed: RTO")
        #expect(report.summary == "drill 20270115-080000-0a0b0c in staging: objectives missed: RTO; RTO achieved 1m 15s (objective 1m), RPO achieved 6h 00m (objective 1d)")
    }

    /// The Markdown names the outcome, both figures against their objectives, how RPO is measured, the
    /// backup, the instance and its port, each stage and the teardown; and no URL.
    @Test func markdownSaysEverything() {
        let text = Self.report(objectives: RecoveryObjectivesSpec(rto: .hours(4), rpo: .hours(24))).markdown
        #expect(text.hasPrefix("# Disaster-recovery drill 20270115-080000-0a0b0c\n"))
        #expect(text.contains("- Outcome: **objectives met**"))
        #expect(text.contains("| RTO (time to healthy) | 4h | 1m 15s | met |"))
        #expect(text.contains("| RPO (age of the newest restored transaction) | 1d | 6h 00m | met |"))
        #expect(text.contains("snapshot time of each restored backup"))
        #expect(text.contains("- `db`: backup `20270115-020000-abcdef` (database `shop`, snapshot 2027-01-15T02:00:00.000Z, verified)"))
        #expect(text.contains("`drill-20270115-080000-0a0b0c-api-0` on ports 41234; 1 smoke command(s) passed"))
        #expect(text.contains("| restore db | +2.0s | 12.0s | ok | backup 20270115-020000-abcdef into database shop |"))
        #expect(text.contains("- scratch cluster stopped"))
        #expect(!text.contains("postgres://"))
    }

    /// Without `recovery:` the report says the objectives are not declared instead of failing.
    @Test func undeclaredObjectivesAreSaid() {
        let report = Self.report(objectives: nil)
        #expect(report.outcomeText == "objectives not declared")
        #expect(report.markdown.contains("| RTO (time to healthy) | not declared | 1m 15s | not declared |"))
        #expect(report.markdown.contains("The stack declares no `recovery:` objectives"))
    }

    /// Durations read as people read them.
    @Test func durations() {
        #expect(DrillReport.duration(0.84) == "0.8s")
        #expect(DrillReport.duration(185) == "3m 05s")
        #expect(DrillReport.duration(7380) == "2h 03m")
        #expect(DrillReport.duration(93_600) == "1d 02h")
    }

    /// `drill.*` events decode to themselves, with their documented type, subject and shape.
    @Test func eventsRoundTrip() throws {
        var started = DrillEvent(.started, drill: "20270115-080000-0a0b0c", environment: "staging")
        started.backups = ["db": "20270115-020000-abcdef"]
        started.cluster = "/tmp/steward-drill-20270115-080000-0a0b0c"
        started.instances = ["drill-20270115-080000-0a0b0c-api-0"]
        var completed = DrillEvent(.completed, drill: "20270115-080000-0a0b0c", environment: "staging")
        completed.rtoSeconds = 75
        completed.rpoSeconds = 21600
        completed.outcome = .met
        completed.rto = .hours(4)
        completed.rpo = .hours(24)
        completed.rtoMet = true
        completed.rpoMet = true
        completed.report = "/var/lib/steward/drills/20270115-080000-0a0b0c.md"
        var failed = DrillEvent(.failed, drill: "20270115-080000-0a0b0c", environment: "staging")
        failed.error = "not ready within 5m"
        failed.stage = "wait for readiness"
        for event in [started, completed, failed] {
            let encoded = try StewardEvent.drill(event).encoded()
            #expect(encoded.type == "drill.\(event.change.rawValue)")
            #expect(encoded.subject == "drill/20270115-080000-0a0b0c")
            #expect(EventFormat.supportedVersions[encoded.type] == 1)
            let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
            #expect(decoded == .event(.drill(event)))
        }
        let payload = String(decoding: try StewardEvent.drill(completed).encoded().payload, as: UTF8.self)
        #expect(
            payload
                == #"{"drill":"20270115-080000-0a0b0c","environment":"staging","outcome":"met","report":"/var/lib/steward/drills/20270115-080000-0a0b0c.md","rpo":"1d","rpoMet":true,"rpoSeconds":21600,"rto":"4h","rtoMet":true,"rtoSeconds":75,"v":1}"#)
    }
}
