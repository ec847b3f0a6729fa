import Foundation
import Logging
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

extension ControlPlane {
    /// Begins a stage of a drill's report (the clock is the control plane's: reports are facts).
    func drillStage(_ id: String, _ name: String) {
        drills[id]?.begin(name, at: Date())
    }

    /// Ends the drill's current stage.
    func drillStageEnded(_ id: String, passed: Bool, detail: String?) {
        drills[id]?.end(at: Date(), passed: passed, detail: detail)
    }

    /// Every drill instance is ready and smoke-tested: RTO and RPO are measured now.
    func drillHealthy(_ id: String, at time: Date) {
        drills[id]?.measure(healthyAt: time)
    }

    func noteDrillPorts(_ id: String, _ ports: [String: Int]) {
        guard var report = drills[id] else { return }
        for index in report.services.indices {
            report.services[index].ports = report.services[index].instances.compactMap { ports[$0] }
        }
        drills[id] = report
    }

    func noteDrillSmoke(_ id: String, service: String, passed: Bool) {
        guard let index = drills[id]?.services.firstIndex(where: { $0.service == service }) else { return }
        drills[id]?.services[index].smokePassed = passed
    }

    /// The instance no longer belongs to a running drill: the reconciler treats it like any other.
    func releaseDrillInstance(_ instance: String) {
        drillInstances.remove(instance)
    }

    /// Settles a drill after its teardown: writes the Markdown report, then records
    /// `drill.completed` (with the figures and the verdict) or `drill.failed`.
    func finishDrill(_ job: DrillJob, teardown: [String], failure: String?) {
        guard var report = drills[job.id] else { return }
        report.teardown = teardown
        report.finishedAt = Date()
        report.state = failure == nil ? .completed : .failed
        report.error = failure
        if let directory = drillDirectory {
            let path = "\(directory)/\(job.id).md"
            report.reportPath = path
            do {
                try Self.writePrivate(report.markdown, to: path, directory: directory)
            } catch {
                logger.error("drill \(job.id): cannot write its report \(path): \(error)")
                report.reportPath = nil
            }
        }
        drills[job.id] = report
        var event = DrillEvent(failure == nil ? .completed : .failed, drill: job.id, environment: job.environment)
        event.report = report.reportPath
        if let failure {
            event.error = failure
            event.stage = report.stages.last { $0.passed == false }?.name
        } else {
            event.rtoSeconds = report.rtoSeconds
            event.rpoSeconds = report.rpoSeconds
            event.outcome = report.verdict?.outcome
            event.rto = report.objectives?.rto
            event.rpo = report.objectives?.rpo
            event.rtoMet = report.verdict?.rto?.met
            event.rpoMet = report.verdict?.rpo?.met
        }
        do {
            try record([.drill(event)], actor: job.actor)
        } catch {
            logger.error("cannot record \(event.type) of drill \(job.id): \(error)")
        }
        logger.info("\(report.summary)")
    }

    /// Writes `text` to a new 0600 file in a 0700 directory (replacing an older file of that name).
    static func writePrivate(_ text: String, to path: String, directory: String) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".partial"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ControlPlaneError.invalid("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ControlPlaneError.invalid("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
