import Foundation
import StewardCore
import Testing

/// `docs/events.md` documents every event type this version reads.
struct EventDocsTests {
    static let docs: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/events.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// Each known type is named in the reference, with its version (instance changes under `instance.CHANGE`).
    @Test(arguments: EventFormat.supportedVersions.keys.sorted())
    func typeIsDocumented(_ type: String) {
        if type.hasPrefix("instance.") {
            let change = String(type.dropFirst("instance.".count))
            #expect(Self.docs.contains("`instance.CHANGE` — v1"))
            #expect(Self.docs.contains("`\(change)`"))
        } else {
            #expect(Self.docs.contains("`\(type)`"))
        }
    }
}
