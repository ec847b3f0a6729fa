import Foundation
import StewardCore
import Testing

/// The documented shapes of the `migration.*` events.
struct MigrationEventFormatTests {
    static var samples: [MigrationEvent] {
        var started = MigrationEvent(.started, run: "20261126-051700-0a1b2c", environment: "production", dependency: "db", direction: .up)
        started.versions = [2, 3]
        started.backup = "20261126-051640-ffeedd"
        var applied = MigrationEvent(.applied, run: started.run, environment: "production", dependency: "db", direction: .up)
        applied.version = 2
        applied.name = "add_price"
        applied.sha256 = "ab12"
        applied.durationSeconds = 0.25
        applied.backup = started.backup
        var failed = MigrationEvent(.failed, run: started.run, environment: "production", dependency: "db", direction: .up)
        failed.version = 3
        failed.name = "backfill"
        failed.error = "column \"x\" does not exist (SQLSTATE 42703)"
        var refused = MigrationEvent(.failed, run: "r2", environment: "staging", dependency: "db", direction: .down)
        refused.error = "drift"
        var reverted = MigrationEvent(.reverted, run: "r3", environment: "staging", dependency: "db", direction: .down)
        reverted.version = 1
        reverted.name = "create_items"
        reverted.durationSeconds = 0.1
        var validated = MigrationEvent(.validated, run: "r4", environment: "staging", dependency: "db", direction: .up)
        validated.passed = false
        validated.failures = ["SELECT 1: returned 1 row"]
        return [started, applied, failed, refused, reverted, validated]
    }

    /// Each event decodes to itself, with its type, subject and v1 in the supported versions.
    @Test(arguments: samples)
    func roundTrips(_ event: MigrationEvent) throws {
        let encoded = try StewardEvent.migration(event).encoded()
        #expect(encoded.type == "migration.\(event.change.rawValue)")
        #expect(encoded.subject == "migration/db/\(event.environment)")
        #expect(EventFormat.supportedVersions[encoded.type] == 1)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.migration(event)))
    }

    /// The payload holds the documented keys only, sorted, with `v`.
    @Test func payloadShape() throws {
        let encoded = try StewardEvent.migration(Self.samples[1]).encoded()
        #expect(
            String(decoding: encoded.payload, as: UTF8.self)
                == #"{"backup":"20261126-051640-ffeedd","dependency":"db","direction":"up","durationSeconds":0.25,"environment":"production","name":"add_price","run":"20261126-051700-0a1b2c","sha256":"ab12","v":1,"version":2}"#
        )
    }

    /// Folding a migration event changes nothing: the database's history is what is applied.
    @Test func foldingChangesNothing() {
        var state = StackState()
        state.apply(.migration(Self.samples[0]))
        #expect(state == StackState())
    }
}
