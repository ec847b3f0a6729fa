import Foundation
import StewardCore
import Testing

/// The documented shapes of the `mirror.*` events.
struct MirrorEventFormatTests {
    static var samples: [MirrorEvent] {
        var started = MirrorEvent(.started, mirror: "documents", run: "20261126-093000-0a1b2c", operation: .sync)
        started.source = "s3://shop-documents"
        started.target = "s3://shop-mirror/docs"
        var synced = MirrorEvent(.synced, mirror: "documents", run: "20261126-093000-0a1b2c", operation: .sync)
        synced.copied = 3
        synced.skipped = 10
        synced.deleted = 1
        synced.kept = 0
        synced.bytes = 123_456
        synced.durationSeconds = 1.5
        var restoring = MirrorEvent(.started, mirror: "documents", run: "20261126-100000-abcdef", operation: .restore)
        restoring.source = "s3://shop-mirror/docs"
        restoring.target = "s3://shop-restored"
        restoring.includeRemoved = true
        var restored = MirrorEvent(.restored, mirror: "documents", run: "20261126-100000-abcdef", operation: .restore)
        restored.copied = 13
        restored.skipped = 0
        restored.bytes = 1_000
        restored.durationSeconds = 0.25
        var failed = MirrorEvent(.failed, mirror: "documents", run: "20261126-110000-000001", operation: .sync)
        failed.copied = 2
        failed.failures = ["a.pdf: the connection was reset"]
        failed.error = "1 object could not be copied: a.pdf: the connection was reset"
        return [started, synced, restoring, restored, failed]
    }

    /// Each event decodes to itself, with its type, subject and v1 in the supported versions.
    @Test(arguments: samples)
    func roundTrips(_ event: MirrorEvent) throws {
        let encoded = try StewardEvent.mirror(event).encoded()
        #expect(encoded.type == "mirror.\(event.change.rawValue)")
        #expect(encoded.subject == "mirror/documents")
        #expect(EventFormat.supportedVersions[encoded.type] == 1)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.mirror(event)))
    }

    /// The payload holds the documented keys, sorted, with `v`.
    @Test func payloadShape() throws {
        let encoded = try StewardEvent.mirror(Self.samples[1]).encoded()
        #expect(
            String(decoding: encoded.payload, as: UTF8.self)
                == #"{"bytes":123456,"copied":3,"deleted":1,"durationSeconds":1.5,"kept":0,"mirror":"documents","operation":"sync","run":"20261126-093000-0a1b2c","skipped":10,"v":1}"#)
    }

    /// A fire of a mirror's schedule names the run it started, in the event and in a checkpoint.
    @Test func scheduleFireNamesTheMirrorRun() throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let fire = ScheduleEvent.fired("mirror:documents", .init(scheduledFor: at, firedAt: at, run: "20261126-093000-0a1b2c"))
        let encoded = try StewardEvent.schedule(fire).encoded()
        #expect(String(decoding: encoded.payload, as: UTF8.self).contains(#""run":"20261126-093000-0a1b2c""#))
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.schedule(fire)))
        var state = StackState()
        state.apply(.schedule(fire))
        #expect(state.schedules["mirror:documents"]?.lastFire?.run == "20261126-093000-0a1b2c")
    }
}
