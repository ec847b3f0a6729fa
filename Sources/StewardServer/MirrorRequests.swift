import Foundation

/// Body of `POST /api/v1/mirrors/{name}/sync`: none is needed; one that is sent must be a JSON object.
struct MirrorSyncRequest: Decodable, Sendable {
    private enum CodingKeys: CodingKey {}

    /// Refuses anything but an object (a struct without fields would otherwise accept any JSON).
    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: CodingKeys.self)
    }
}

/// Body of `POST /api/v1/mirrors/{name}/restore`.
struct MirrorRestoreRequest: Decodable, Sendable {
    /// Where to restore: `s3://BUCKET/PREFIX`; the mirror's source when left out.
    var to: String?
    /// Restore the objects the mirror kept after their removal from the source too.
    var includeRemoved: Bool?
}
