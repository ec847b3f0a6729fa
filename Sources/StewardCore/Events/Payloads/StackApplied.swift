import Foundation

/// Payload of ``StewardEvent/stackApplied(_:)``: `stack.applied`, subject `stack/NAME`.
///
/// JSON (v1): `{"v":1, "stack":NAME, "digest":SHA256, "file":PATH, "spec":{…}}`, where `spec` is the
/// stack definition in its documented stack-model shape (``SpecJSON``, `docs/events.md`).
public struct StackApplied: Sendable, Equatable {
    /// The stack definition.
    public var spec: StackSpec
    /// SHA-256 of the file's text.
    public var digest: String
    /// The file it came from.
    public var file: String

    /// Creates the payload.
    public init(spec: StackSpec, digest: String, file: String) {
        self.spec = spec
        self.digest = digest
        self.file = file
    }
}

extension StackApplied: Codable {
    enum CodingKeys: String, CodingKey {
        case v, stack, digest, file, spec
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        spec = try SpecJSON.decode(StackSpec.self, from: try container.decode(JSONValue.self, forKey: .spec))
        digest = try container.decode(String.self, forKey: .digest)
        file = try container.decode(String.self, forKey: .file)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EventFormat.written, forKey: .v)
        try container.encode(spec.name, forKey: .stack)
        try container.encode(digest, forKey: .digest)
        try container.encode(file, forKey: .file)
        try container.encode(try SpecJSON.encode(spec), forKey: .spec)
    }
}
