import Foundation
import StewardStore

/// Test events with distinct, recognisable fields.
enum TestEvents {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func make(_ index: Int, type: String = "deployment.started", subject: String? = nil) -> NewEvent {
        NewEvent(
            type: type,
            subject: subject ?? "deployment/\(index)",
            actor: "alice",
            time: start.addingTimeInterval(Double(index)),
            payload: Data(#"{"index":\#(index)}"#.utf8)
        )
    }

    static func batch(_ indices: ClosedRange<Int>) -> [NewEvent] {
        indices.map { make($0) }
    }
}
