/// The JSON of `/api/version`: `{"version":"…"}`.
struct VersionBody: Codable, Sendable, Equatable {
    var version: String
}
