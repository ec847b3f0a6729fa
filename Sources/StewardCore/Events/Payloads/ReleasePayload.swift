import Foundation

/// The log shape of a ``Release``: payload of `release.created`, subject `release/N`.
///
/// JSON (v1): `{"v":1, "release":N, "service":S, "environment":E, "version":V, "overrides":{K:V},
/// "spec":{…}, "dependencies":{NAME:URL}, "scaledInstances":N, "createdAt":DATE, "createdBy":WHO}`. `spec` is
/// the service definition in its stack-model shape; `dependencies` (optional, omitted when empty) holds the
/// dependency URLs the release was made with, secret references unresolved; `scaledInstances` (optional,
/// omitted when the count comes from the stack file) is the count `steward scale` set, which later releases
/// carry forward. Inside a checkpoint the same object is written without `v`.
struct ReleasePayload: Codable {
    enum CodingKeys: String, CodingKey {
        case v, release, service, environment, version, overrides, spec, dependencies, scaledInstances, createdAt, createdBy
    }

    var release: Release
    var standalone: Bool

    init(_ release: Release, standalone: Bool = true) {
        self.release = release
        self.standalone = standalone
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        release = Release(
            number: try container.decode(Int.self, forKey: .release),
            service: try container.decode(String.self, forKey: .service),
            environment: try container.decode(String.self, forKey: .environment),
            version: try container.decode(String.self, forKey: .version),
            overrides: try container.decode([String: String].self, forKey: .overrides),
            spec: try SpecJSON.decode(ServiceSpec.self, from: try container.decode(JSONValue.self, forKey: .spec)),
            dependencyURLs: try container.decodeIfPresent([String: String].self, forKey: .dependencies) ?? [:],
            scaledInstances: try container.decodeIfPresent(Int.self, forKey: .scaledInstances),
            createdAt: try container.decodeDate(forKey: .createdAt),
            createdBy: try container.decode(String.self, forKey: .createdBy))
        standalone = container.contains(.v)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if standalone { try container.encode(EventFormat.written, forKey: .v) }
        try container.encode(release.number, forKey: .release)
        try container.encode(release.service, forKey: .service)
        try container.encode(release.environment, forKey: .environment)
        try container.encode(release.version, forKey: .version)
        try container.encode(release.overrides, forKey: .overrides)
        try container.encode(try SpecJSON.encode(release.spec), forKey: .spec)
        if !release.dependencyURLs.isEmpty { try container.encode(release.dependencyURLs, forKey: .dependencies) }
        try container.encodeIfPresent(release.scaledInstances, forKey: .scaledInstances)
        try container.encodeDate(release.createdAt, forKey: .createdAt)
        try container.encode(release.createdBy, forKey: .createdBy)
    }
}
