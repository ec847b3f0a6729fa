/// A `schedule.*`, `backup.*` or `service.*` event as `GET /api/v1/events` answers it (the fields
/// the tests read; each is absent from the events that do not have it).
struct LoggedEvent: Decodable {
    struct Payload: Decodable {
        var schedule: String?
        var scheduledFor: String?
        var firedAt: String?
        var missed: Int?
        var backup: String?
        var error: String?
        var passed: Bool?
        var failures: [String]?
        var target: String?
        var previousDatabase: String?
        var service: String?
    }
    var seq: Int
    var type: String
    var actor: String
    var payload: Payload
}

extension StewardCluster {
    /// The events of `type` (a type or a prefix), oldest first.
    func loggedEvents(_ type: String) async throws -> [LoggedEvent] {
        let answer = try await api("GET", "/events?type=\(type)&limit=1000")
        guard answer.status == 200 else { throw UnexpectedAnswer(description: "GET /events: \(answer.status) \(answer.text)") }
        return try answer.decode([LoggedEvent].self).sorted { $0.seq < $1.seq }
    }
}
