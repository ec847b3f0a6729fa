import Foundation
import StewardCore
import Testing

/// The log shapes `deploy.migrate` touches: the service spec's `migrate`, `deployment.checked`'s
/// `items`, the checkpoint's `checklistItems` and the `deployment` of `migration.*` events; each
/// absent when unused, so logs written before them read and write the same bytes.
struct DeployMigrateEventFormatTests {
    static let t0 = EventFormatTests.t0

    static func release(migrate: [String]) -> Release {
        Release(
            number: 2, service: "api", environment: "production", version: "1.4.2", overrides: [:],
            spec: ServiceSpec(name: "api", command: "/bin/true", deploy: DeployPolicy(migrate: migrate)), createdAt: t0,
            createdBy: "alice")
    }

    /// `spec.deploy.migrate` is written only when set, and a spec without it (an older log) reads as empty.
    @Test func releaseSpecWritesMigrateOnlyWhenSet() throws {
        let plain = try StewardEvent.releaseCreated(Self.release(migrate: [])).encoded()
        #expect(!String(decoding: plain.payload, as: UTF8.self).contains("migrate"))
        let migrating = try StewardEvent.releaseCreated(Self.release(migrate: ["db"])).encoded()
        #expect(String(decoding: migrating.payload, as: UTF8.self).contains(#""migrate":["db"]"#))
        for encoded in [plain, migrating] {
            let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
            guard case .event(.releaseCreated(let release)) = decoded else {
                Issue.record("not a release: \(decoded)")
                continue
            }
            #expect(release.spec.deploy.migrate == (encoded == plain ? [] : ["db"]))
        }
    }

    /// `deployment.checked` carries its items (v1 still), reads back, and the fold shows them on the
    /// deployment; a checked event without items (an older log) folds to none.
    @Test func checkedItemsRoundTripAndFold() throws {
        var deployment = EventFormatTests.deployment()
        deployment.checklist = true
        deployment.phase = .checking
        let items = ["db: 0001_create_items applied", "db: 0002_add_price applied"]
        let event = StewardEvent.deploymentStep(
            id: 3, .checked(failures: [], items: items, at: Self.t0), result: deployment.progress)
        let encoded = try event.encoded()
        let json = try EventFormatTests.json(encoded.payload)
        #expect(json["v"] as? Int == 1)
        #expect(json["items"] as? [String] == items)
        #expect(json["failures"] as? [String] == [])
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(event))

        var state = StackState()
        state.apply(.deploymentCreated(deployment))
        state.apply(event)
        #expect(state.deployments[3]?.checklistItems == items)
        let older = try StewardEvent.deploymentStep(id: 3, .checked(failures: [], at: Self.t0), result: deployment.progress).encoded()
        #expect(!String(decoding: older.payload, as: UTF8.self).contains("items"))

        // The state machine sets the same items the fold does.
        var live = deployment
        _ = live.handle(.checked(failures: [], items: items, at: Self.t0))
        #expect(live.checklistItems == items)

        // A checkpoint keeps them; one without them (written before) reads as none.
        let checkpoint = StateCheckpoint(seq: 2, hash: "h", state: state)
        let stored = try StewardEvent.checkpoint(checkpoint).encoded()
        #expect(String(decoding: stored.payload, as: UTF8.self).contains(#""checklistItems":["#))
        let read = try StewardEvent.decode(seq: 3, type: stored.type, subject: stored.subject, payload: stored.payload)
        #expect(read == .event(.checkpoint(checkpoint)))
        var bare = state
        bare.deployments[3]?.checklistItems = nil
        let plain = try StewardEvent.checkpoint(StateCheckpoint(seq: 2, hash: "h", state: bare)).encoded()
        #expect(!String(decoding: plain.payload, as: UTF8.self).contains("checklistItems"))
    }

    /// A migration run of a deployment's checklist names the deployment; without one the key is absent.
    @Test func migrationEventsNameTheirDeployment() throws {
        var started = MigrationEvent(.started, run: "r1", environment: "production", dependency: "db", direction: .up)
        started.versions = [1, 2]
        started.deployment = "7"
        let encoded = try StewardEvent.migration(started).encoded()
        #expect(try EventFormatTests.json(encoded.payload)["deployment"] as? String == "7")
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.migration(started)))
        started.deployment = nil
        #expect(!String(decoding: try StewardEvent.migration(started).encoded().payload, as: UTF8.self).contains("deployment"))
    }
}
