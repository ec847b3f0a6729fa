import Foundation
import StewardStore
import Testing

struct EventHashTests {
    /// The hash of a known event equals the SHA-256 computed independently (Python hashlib) over the documented text.
    @Test func hashMatchesAnIndependentlyComputedValue() {
        let hash = EventHash.hash(
            previousHash: EventHash.genesis,
            seq: 1,
            timeMillis: 1_700_000_000_123,
            type: "deployment.started",
            subject: "deployment/12",
            actor: "alice",
            payload: Data(#"{"version":"1.4.2"}"#.utf8)
        )
        #expect(hash == "642556ed212185588eb49b98e818169eaa8fc8a948c0ca274dec3f1a670dc71f")
    }

    /// The genesis hash is 64 zeros.
    @Test func genesisIsSixtyFourZeros() {
        #expect(EventHash.genesis == String(repeating: "0", count: 64))
    }

    /// Changing any single field changes the hash.
    @Test func everyFieldIsPartOfTheHash() {
        func hash(
            previous: String = EventHash.genesis, seq: Int64 = 1, millis: Int64 = 5, type: String = "a.b",
            subject: String = "s", actor: String = "x", payload: Data = Data("{}".utf8)
        ) -> String {
            EventHash.hash(
                previousHash: previous, seq: seq, timeMillis: millis, type: type, subject: subject, actor: actor,
                payload: payload
            )
        }
        let base = hash()
        let variants = [
            hash(previous: String(repeating: "1", count: 64)), hash(seq: 2), hash(millis: 6), hash(type: "a.c"),
            hash(subject: "t"), hash(actor: "y"), hash(payload: Data("[]".utf8)),
        ]
        for variant in variants {
            #expect(variant != base)
        }
        #expect(Set(variants).count == variants.count)
    }

    /// SHA-256 hex of "abc" is the FIPS 180-2 test vector.
    @Test func sha256HexMatchesTheStandardVector() {
        #expect(EventHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Times are kept to the nearest millisecond, and a stored millisecond value survives a round trip exactly.
    @Test func millisecondsRoundTripExactly() {
        #expect(EventHash.milliseconds(of: Date(timeIntervalSince1970: 1.0004)) == 1000)
        #expect(EventHash.milliseconds(of: Date(timeIntervalSince1970: 1.0006)) == 1001)
        #expect(EventHash.milliseconds(of: Date(timeIntervalSince1970: -1.5)) == -1500)
        let samples: [Int64] = [0, 1, 999, 1_700_000_000_001, 1_700_000_000_999, 4_102_444_800_123, -86_400_001]
        for millis in samples + (0..<2000).map({ 1_750_000_000_000 + Int64($0) * 7 }) {
            #expect(EventHash.milliseconds(of: EventHash.date(milliseconds: millis)) == millis)
        }
    }
}
