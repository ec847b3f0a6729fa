import Foundation
import StewardCore
import Testing

/// The documented shapes of `secret.set`, `secret.rotated` and `secret.removed`.
struct SecretEventFormatTests {
    static let samples: [SecretChanged] = [
        SecretChanged(change: .set, name: "DB_PASSWORD", environment: nil, version: 1),
        SecretChanged(change: .rotated, name: "JWT_KEY", environment: "production", version: 3),
        SecretChanged(change: .removed, name: "JWT_KEY", environment: "staging", version: 2),
    ]

    /// Each change decodes to itself, with its type, subject and v1 in the supported versions.
    @Test(arguments: samples)
    func roundTrips(_ change: SecretChanged) throws {
        let encoded = try StewardEvent.secretChanged(change).encoded()
        #expect(encoded.type == "secret.\(change.change.rawValue)")
        #expect(EventFormat.supportedVersions[encoded.type] == 1)
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.secretChanged(change)))
        #expect(!StewardEvent.secretChanged(change).isInformational)
    }

    /// The payload holds exactly the name, the environment when there is one, the version and `v`.
    @Test func payloadShape() throws {
        let shared = try StewardEvent.secretChanged(Self.samples[0]).encoded()
        #expect(shared.subject == "secret/DB_PASSWORD")
        #expect(String(decoding: shared.payload, as: UTF8.self) == #"{"name":"DB_PASSWORD","v":1,"version":1}"#)
        let scoped = try StewardEvent.secretChanged(Self.samples[1]).encoded()
        #expect(scoped.subject == "secret/JWT_KEY/production")
        #expect(String(decoding: scoped.payload, as: UTF8.self) == #"{"environment":"production","name":"JWT_KEY","v":1,"version":3}"#)
    }

    /// Folding a secret event changes nothing in the stack's state.
    @Test func foldingChangesNothing() {
        var state = StackState()
        state.apply(.secretChanged(Self.samples[1]))
        #expect(state == StackState())
    }
}
