import Crypto
import Foundation
import Logging
import StewardBackup
import StewardCore
import StewardTesting
import Testing

/// Bucket mirrors against a real S3-protocol server (moto, which cannot check the signatures of
/// listings under a prefix; see ``MotoServer``): incremental sync into a folder and into another
/// bucket, deletions, and restore that reproduces the bucket.
@Suite(.serialized) struct BucketMirrorTests {
    static let logger = Logger(label: "steward.mirror.tests")

    /// Fills a source bucket: small objects, one bigger than several parts, nested keys.
    static func fill(_ s3: S3Fixture, _ client: S3Client, bucket: String) async throws {
        for (index, key) in ["app/a.txt", "app/nested/b.txt", "app/nested/deeper/c.json"].enumerated() {
            try await client.putData(bucket: bucket, key: key, Data("object \(index) \(key)".utf8))
        }
        let big = try s3.file("big-source", size: Int(S3Fixture.partSize) * 3 + 1000, seed: 3)
        try await client.upload(bucket: bucket, key: "app/big.bin", file: big)
        try await client.putData(bucket: bucket, key: "elsewhere.txt", Data("not under the prefix".utf8))
    }

    /// key (relative to `prefix`) → sha256 of every object under `prefix` of `bucket`.
    static func contents(_ client: S3Client, bucket: String, prefix: String, scratch: String) async throws -> [String: String] {
        var contents = [String: String]()
        for object in try await client.listObjects(bucket: bucket, prefix: prefix) {
            let path = "\(scratch)/\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let (_, sha256) = try await client.getObject(bucket: bucket, key: object.key, to: path)
            contents[String(object.key.dropFirst(prefix.count))] = sha256
        }
        return contents
    }

    static func sha256(_ path: String) throws -> String {
        SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    /// Into a folder: the first sync copies everything, the second nothing; a changed object is
    /// copied again, a deleted one removed; restore into a new bucket reproduces the source.
    @Test func folderMirrorIsIncrementalAndRestores() async throws {
        let s3 = try await S3Fixture.start(checkSignatures: false)
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        try await Self.fill(s3, client, bucket: bucket)
        let folder = "\(s3.files.path)/mirror"
        let mirror = BucketMirror(
            source: client, sourceLocation: try S3Location(url: "s3://\(bucket)/app"), target: .folder(folder),
            logger: Self.logger)

        let first = try await mirror.sync()
        #expect(first.copied.sorted() == ["a.txt", "big.bin", "nested/b.txt", "nested/deeper/c.json"])
        #expect(first.skipped == 0 && first.deleted.isEmpty && first.failures.isEmpty)
        let source = try await Self.contents(client, bucket: bucket, prefix: "app/", scratch: s3.files.path)
        for (key, sha256) in source { #expect(try Self.sha256("\(folder)/\(key)") == sha256, "\(key)") }
        let mode = try FileManager.default.attributesOfItem(atPath: "\(folder)/nested/b.txt")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let second = try await mirror.sync()
        #expect(second.copied.isEmpty)
        #expect(second.skipped == 4)

        try await client.putData(bucket: bucket, key: "app/nested/b.txt", Data("changed".utf8))
        try await client.deleteObject(bucket: bucket, key: "app/a.txt")
        try await client.putData(bucket: bucket, key: "app/new.txt", Data("new".utf8))
        let third = try await mirror.sync()
        #expect(third.copied.sorted() == ["nested/b.txt", "new.txt"])
        #expect(third.deleted == ["a.txt"])
        #expect(third.skipped == 2)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/a.txt"))
        #expect(try String(contentsOfFile: "\(folder)/nested/b.txt", encoding: .utf8) == "changed")

        // A copy removed by hand is noticed and copied again.
        try FileManager.default.removeItem(atPath: "\(folder)/new.txt")
        #expect(try await mirror.sync().copied == ["new.txt"])

        let manifest = try JSONDecoder.steward.decode(
            MirrorManifest.self, from: try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(MirrorManifest.fileName)")))
        #expect(manifest.entries.count == 4)
        #expect(manifest.entries["big.bin"]?.sha256 == source["big.bin"])

        let restoredBucket = try await s3.bucket(client)
        let restored = try await mirror.restore(to: client, location: try S3Location(url: "s3://\(restoredBucket)/app"))
        #expect(restored.copied.count == 4 && restored.failures.isEmpty)
        let now = try await Self.contents(client, bucket: bucket, prefix: "app/", scratch: s3.files.path)
        #expect(try await Self.contents(client, bucket: restoredBucket, prefix: "app/", scratch: s3.files.path) == now)
        // Restoring again finds everything in place.
        let again = try await mirror.restore(to: client, location: try S3Location(url: "s3://\(restoredBucket)/app"))
        #expect(again.copied.isEmpty && again.skipped == 4)
    }

    /// Into another bucket: incremental the same way, and restore reproduces the source bucket.
    @Test func bucketMirrorIsIncrementalAndRestores() async throws {
        let s3 = try await S3Fixture.start(checkSignatures: false)
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        let mirrorBucket = try await s3.bucket(client)
        try await Self.fill(s3, client, bucket: bucket)
        let mirror = BucketMirror(
            source: client, sourceLocation: try S3Location(url: "s3://\(bucket)"),
            target: .bucket(client, try S3Location(url: "s3://\(mirrorBucket)/copy")), logger: Self.logger)

        let first = try await mirror.sync()
        #expect(first.copied.count == 5)
        let source = try await Self.contents(client, bucket: bucket, prefix: "", scratch: s3.files.path)
        var mirrored = try await Self.contents(client, bucket: mirrorBucket, prefix: "copy/", scratch: s3.files.path)
        mirrored[MirrorManifest.fileName] = nil
        #expect(mirrored == source)

        #expect(try await mirror.sync().copied.isEmpty)
        try await client.putData(bucket: bucket, key: "app/a.txt", Data("changed a".utf8))
        try await client.deleteObject(bucket: bucket, key: "elsewhere.txt")
        let changed = try await mirror.sync()
        #expect(changed.copied == ["app/a.txt"])
        #expect(changed.deleted == ["elsewhere.txt"])
        #expect(changed.skipped == 3)
        #expect(try await client.headObject(bucket: mirrorBucket, key: "copy/elsewhere.txt") == nil)

        // Lose the source bucket's objects, restore them from the mirror.
        for object in try await client.listObjects(bucket: bucket) {
            try await client.deleteObject(bucket: bucket, key: object.key)
        }
        let restored = try await mirror.restore(to: client, location: try S3Location(url: "s3://\(bucket)"))
        #expect(restored.copied.count == 4 && restored.failures.isEmpty)
        var expected = source
        expected["app/a.txt"] = try await Self.contents(client, bucket: mirrorBucket, prefix: "copy/", scratch: s3.files.path)["app/a.txt"]
        expected["elsewhere.txt"] = nil
        #expect(try await Self.contents(client, bucket: bucket, prefix: "", scratch: s3.files.path) == expected)
    }

    /// With `keepRemoved`, an object deleted at the source stays in the mirror (reported as kept) and
    /// is restored only when asked; a copy altered on the mirror is refused at restore.
    @Test func keptObjectsAndCorruptCopies() async throws {
        let s3 = try await S3Fixture.start(checkSignatures: false)
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        try await Self.fill(s3, client, bucket: bucket)
        let folder = "\(s3.files.path)/kept"
        let mirror = BucketMirror(
            source: client, sourceLocation: try S3Location(url: "s3://\(bucket)/app"), target: .folder(folder),
            keepRemoved: true, logger: Self.logger)
        _ = try await mirror.sync()
        try await client.deleteObject(bucket: bucket, key: "app/a.txt")
        let report = try await mirror.sync()
        #expect(report.kept == ["a.txt"] && report.deleted.isEmpty)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/a.txt"))

        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/nested/b.txt"))
        bytes[0] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: "\(folder)/nested/b.txt"))

        let target = try await s3.bucket(client)
        let restored = try await mirror.restore(to: client, location: try S3Location(url: "s3://\(target)"))
        #expect(restored.copied.sorted() == ["big.bin", "nested/deeper/c.json"])
        #expect(restored.failures.count == 1 && restored.failures[0].contains("nested/b.txt"))
        #expect(try await client.headObject(bucket: target, key: "nested/b.txt") == nil)
        let withRemoved = try await mirror.restore(
            to: client, location: try S3Location(url: "s3://\(target)"), includeRemoved: true)
        #expect(withRemoved.copied == ["a.txt"])
    }

    /// Bad locations are refused with what was expected.
    @Test func badLocations() throws {
        #expect(throws: BackupError.self) { try S3Location(url: "http://bucket/x") }
        #expect(throws: BackupError.self) { try S3Location(url: "s3://UPPER/x") }
        #expect(throws: BackupError.self) { try S3Location(url: "s3://ok-bucket/../x") }
        #expect(try S3Location(url: "s3://ok-bucket//a/b/").key("c") == "a/b/c")
    }
}
