import Foundation
import Logging
import StewardBackup
import StewardCore
import StewardStore

extension ControlPlane {
    /// After a restart: removes what drills interrupted by the previous process left behind.
    ///
    /// A drill whose `drill.started` has no `drill.completed` or `drill.failed` after it was cut
    /// short: its instances are stopped on the agent (each until the agent confirms), its scratch
    /// cluster stopped and its directory deleted, and `drill.failed` is recorded saying so. The
    /// reconciler would stop the instances too (no release wants them); this makes it certain and
    /// records it.
    nonisolated func cleanUpInterruptedDrills() async {
        let interrupted: [DrillEvent]
        do {
            interrupted = try Self.unfinishedDrills(in: log.latestEvents(limit: 1000, typePrefix: "drill.", subjectPrefix: nil))
        } catch {
            logger.error("cannot read the drills of the log: \(error)")
            return
        }
        for started in interrupted {
            guard await !knowsDrill(started.drill) else { continue }
            logger.warning("drill \(started.drill) was interrupted by a restart: removing what it left")
            var teardown = [String]()
            for instance in started.instances ?? [] {
                guard await stopRetrying(instance) else { return }  // shut down meanwhile: the next start retries
                teardown.append("drill instance \(instance) stopped")
            }
            if let directory = started.cluster { teardown += await ScratchCluster.remove(directory: directory) }
            var failed = DrillEvent(.failed, drill: started.drill, environment: started.environment)
            failed.stage = "interrupted"
            failed.error = "interrupted by a control-plane restart; on start-up: " + teardown.joined(separator: "; ")
            do {
                try await record([.drill(failed)])
            } catch {
                logger.error("cannot record the end of interrupted drill \(started.drill): \(error)")
            }
        }
    }

    /// The `drill.started` events (from newest-first records) with no outcome recorded after them.
    static func unfinishedDrills(in records: [EventRecord]) -> [DrillEvent] {
        var finished = Set<String>()
        var unfinished = [DrillEvent]()
        for record in records.sorted(by: { $0.seq > $1.seq }) {
            guard let event = drillEvent(in: record) else { continue }
            switch event.change {
            case .completed, .failed: finished.insert(event.drill)
            case .started where !finished.contains(event.drill): unfinished.append(event)
            case .started: break
            }
        }
        return unfinished
    }

    /// The drill event a record holds, nil for any other (or one this version cannot read).
    static func drillEvent(in record: EventRecord) -> DrillEvent? {
        guard case .drill(let event)? = record.event else { return nil }
        return event
    }

    /// The drills the log remembers, newest first: of `environment`, or of every environment.
    ///
    /// Read from the `drill.*` events (the last 5,000), so drills run before a restart are listed too.
    public nonisolated func drillHistory(environment: String?, limit: Int) throws -> [DrillSummary] {
        let entries = try log.latestEvents(limit: 5000, typePrefix: "drill.", subjectPrefix: nil).compactMap { record in
            Self.drillEvent(in: record).map { DrillSummary.Entry(time: record.time, event: $0) }
        }
        let drills = DrillSummary.history(entries).filter { environment == nil || $0.environment == environment }
        return Array(drills.prefix(limit))
    }
}
