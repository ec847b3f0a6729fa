import Foundation
@testable import StewardBackup
import StewardCore
@testable import StewardOps
import StewardRuntime
import StewardStore
import StewardTesting
import Testing

/// A drill cut short by a control-plane crash: the next start stops its instances, stops and deletes its
/// scratch cluster (a real PostgreSQL, left running as a crash leaves it) and records `drill.failed`.
@Suite(.serialized) struct DrillRecoveryTests {
    static func append(_ events: [StewardEvent], to log: EventLog) throws {
        try log.append(events.map { event in
            let encoded = try event.encoded()
            return NewEvent(type: encoded.type, subject: encoded.subject, actor: "ops", time: Date(), payload: encoded.payload)
        })
    }

    /// Only a started drill with no outcome after it counts as interrupted.
    @Test func unfinishedDrillsAreThoseWithoutAnOutcome() throws {
        let log = try EventLog.inMemory()
        try Self.append([
            .drill(DrillEvent(.started, drill: "20270115-080000-000001", environment: "staging")),
            .drill(DrillEvent(.completed, drill: "20270115-080000-000001", environment: "staging")),
            .drill(DrillEvent(.started, drill: "20270115-090000-000002", environment: "staging")),
            .drill(DrillEvent(.started, drill: "20270115-100000-000003", environment: "production")),
            .drill(DrillEvent(.failed, drill: "20270115-100000-000003", environment: "production")),
        ], to: log)
        let records = try log.latestEvents(limit: 100, typePrefix: "drill.", subjectPrefix: nil)
        #expect(ControlPlane.unfinishedDrills(in: records).map(\.drill) == ["20270115-090000-000002"])
    }

    /// The leftovers of an interrupted drill are removed on start-up, and the log says so.
    @Test func leftoversOfAnInterruptedDrillAreRemoved() async throws {
        let id = DrillID.new(at: Date())
        let directory = ScratchCluster.directory(forDrill: id)
        let cluster = try await ScratchCluster.create(at: directory)
        // The cluster accepts connections, as a crashed drill leaves it.
        let probe = Prober()
        #expect(await probe.run(.postgres(url: cluster.url(database: "postgres")), target: ProbeTarget(), timeout: .seconds(5)).ok)
        let instance = DrillID.instanceID(drill: id, service: "api", index: 0)
        let agent = try TestHTTPServer.start { request in
            TestHTTPResponse(status: 200, body: request.method == "DELETE" ? #"{"id":"x","result":"stopped"}"# : "{}")
        }
        defer { agent.stop() }
        let log = try EventLog.inMemory()
        var started = DrillEvent(.started, drill: id, environment: "staging")
        started.cluster = directory
        started.instances = [instance]
        try Self.append([.drill(started)], to: log)
        let controlPlane = try ControlPlane(
            log: log, agent: AgentClient(baseURL: agent.url, token: "t"), baseDirectory: "/tmp", drillDirectory: "/tmp")

        await controlPlane.cleanUpInterruptedDrills()

        #expect(agent.requests.contains { $0.method == "DELETE" && $0.path == "/v1/instances/\(instance)" })
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(!(await probe.run(.postgres(url: cluster.url(database: "postgres")), target: ProbeTarget(), timeout: .seconds(2)).ok))
        let failed = try log.latestEvents(limit: 1, typePrefix: "drill.failed", subjectPrefix: "drill/\(id)")
        #expect(failed.count == 1)
        let text = String(decoding: failed.first?.payload ?? Data(), as: UTF8.self)
        #expect(text.contains("interrupted by a control-plane restart") && text.contains("deleted"), "\(text)")
        #expect(!text.contains(cluster.secret))
        // Done once: a second start finds nothing left to do.
        await controlPlane.cleanUpInterruptedDrills()
        #expect(try log.latestEvents(limit: 10, typePrefix: "drill.failed", subjectPrefix: nil).count == 1)
    }
}
