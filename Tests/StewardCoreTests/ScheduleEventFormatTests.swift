import Foundation
import StewardCore
import Testing

/// The documented shapes of the `schedule.*` events, their fold and their place in checkpoints.
struct ScheduleEventFormatTests {
    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static var samples: [ScheduleEvent] {
        var armed = ScheduleEvent(.armed, schedule: "backup:db:production")
        armed.cron = "0 2 * * *"
        armed.timeZone = "America/New_York"
        armed.at = at("2026-11-20T10:00:00Z")
        let fired = ScheduleEvent.fired(
            "backup:db:production",
            .init(
                scheduledFor: at("2026-11-26T07:00:00Z"), firedAt: at("2026-11-26T09:15:00Z"), missed: 2,
                backup: "20261126-091500-0a1b2c"))
        let refused = ScheduleEvent.fired(
            "backup:db:staging",
            .init(scheduledFor: at("2026-11-26T07:00:00Z"), firedAt: at("2026-11-26T07:00:00Z"), error: "the URL cannot be resolved"))
        var disarmed = ScheduleEvent(.disarmed, schedule: "backup:db:staging")
        disarmed.at = at("2026-11-27T00:00:00Z")
        return [armed, fired, refused, disarmed]
    }

    /// Each event decodes to itself, with its type, subject and v1 in the supported versions.
    @Test(arguments: samples)
    func roundTrips(_ event: ScheduleEvent) throws {
        let encoded = try StewardEvent.schedule(event).encoded()
        #expect(encoded.type == "schedule.\(event.change.rawValue)")
        #expect(encoded.subject == "schedule/\(event.schedule)")
        #expect(EventFormat.supportedVersions[encoded.type] == 1)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.schedule(event)))
    }

    /// The payload holds the documented keys only, sorted, with `v`.
    @Test func payloadShape() throws {
        let encoded = try StewardEvent.schedule(Self.samples[1]).encoded()
        #expect(
            String(decoding: encoded.payload, as: UTF8.self)
                == #"{"backup":"20261126-091500-0a1b2c","firedAt":"2026-11-26T09:15:00.000Z","missed":2,"schedule":"backup:db:production","scheduledFor":"2026-11-26T07:00:00.000Z","v":1}"#
        )
    }

    /// A `schedule.fired` without its fire time is refused, naming the field.
    @Test func missingFieldIsRefused() {
        let payload = Data(#"{"schedule":"backup:db:production","firedAt":"2026-11-26T09:15:00.000Z","missed":0,"v":1}"#.utf8)
        #expect {
            try StewardEvent.decode(seq: 7, type: "schedule.fired", subject: "schedule/backup:db:production", payload: payload)
        } throws: { error in
            (error as? EventFormatError)?.message.contains("scheduledFor") == true
        }
    }

    /// Folding: armed creates the record, fired sets the last run, disarmed drops it; a checkpoint keeps it.
    @Test func foldAndCheckpoint() throws {
        var state = StackState()
        for event in Self.samples.prefix(2) { state.apply(.schedule(event)) }
        let record = try #require(state.schedules["backup:db:production"])
        #expect(record.cron == "0 2 * * *" && record.timeZone == "America/New_York")
        #expect(record.armedAt == Self.at("2026-11-20T10:00:00Z"))
        #expect(record.lastFire?.backup == "20261126-091500-0a1b2c" && record.lastFire?.missed == 2)
        state.apply(.schedule(Self.samples[2]))
        #expect(state.schedules["backup:db:staging"]?.lastFire?.error == "the URL cannot be resolved")

        let checkpoint = StateCheckpoint(seq: 9, hash: String(repeating: "b", count: 64), state: state)
        let encoded = try StewardEvent.checkpoint(checkpoint).encoded()
        let decoded = try StewardEvent.decode(seq: 10, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.checkpoint(checkpoint)))

        state.apply(.schedule(Self.samples[3]))
        #expect(state.schedules["backup:db:staging"] == nil)
    }
}
