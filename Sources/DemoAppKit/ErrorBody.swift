/// The JSON of every error answer: `{"error":"…"}`.
struct ErrorBody: Codable, Sendable, Equatable {
    var error: String
}
