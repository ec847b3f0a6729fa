import Foundation
import StewardCore
import Testing

/// The stack definitions embedded in `stack.applied` and `release.created` have the documented shape.
struct SpecShapeTests {
    static func exampleNames() throws -> [String] {
        try StackFileExamplesTests.exampleFiles().map(\.lastPathComponent)
    }

    /// Every example stack round-trips through `stack.applied` and is written without `_0` keys.
    @Test(arguments: try exampleNames())
    func exampleStacksRoundTrip(_ name: String) throws {
        let spec = try StackFileExamplesTests.load(name)
        let encoded = try StewardEvent.stackApplied(StackApplied(spec: spec, digest: "d", file: name)).encoded()
        let text = String(decoding: encoded.payload, as: UTF8.self)
        #expect(!text.contains("\"_0\""))
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        #expect(decoded == .event(.stackApplied(StackApplied(spec: spec, digest: "d", file: name))))
    }

    /// An HTTP probe is `{"http": {…}}` with its statuses as `{"lowest", "highest"}`; canary steps are plain.
    @Test func probesAndCanaryStepsArePlain() throws {
        let spec = try StackFileExamplesTests.load("loan-management.yaml")
        let text = String(decoding: try StewardEvent.stackApplied(StackApplied(spec: spec, digest: "d", file: "f")).encoded().payload, as: UTF8.self)
        #expect(text.contains(#""check":{"http":{"#))
        #expect(text.contains(#""expectStatus":{"highest":"#))
        #expect(text.contains(#"{"weight":10}"#))
        #expect(text.contains(#"{"pause":null}"#))
    }
}
