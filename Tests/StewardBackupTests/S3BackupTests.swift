import Foundation
import StewardBackup
import StewardCore
import StewardTesting
import Testing

/// Backups kept in a bucket (moto, signatures checked) of a real PostgreSQL: the folder store's
/// guarantees hold, the artifact travels in several parts, and no credential is written anywhere.
@Suite(.serialized) struct S3BackupTests {
    struct Setup {
        let fixture: BackupFixture
        let s3: S3Fixture
        let client: S3Client
        let location: S3Location
        let lines: LogLines
        let engine: BackupEngine

        func stop() {
            fixture.stop()
            s3.stop()
        }
    }

    /// - Parameter prefix: under a prefix, moto cannot check signatures of the listings (see ``MotoServer``):
    ///   those runs let it accept any; at the bucket's root every request is checked.
    static func setup(prefix: String = "prod/db") async throws -> Setup {
        let fixture = try await BackupFixture.start()
        let s3 = try await S3Fixture.start(checkSignatures: prefix.isEmpty)
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        let location = try S3Location(url: "s3://\(bucket)/\(prefix)")
        let lines = LogLines()
        let engine = BackupEngine(
            store: S3BackupStore(client: client, location: location), logger: lines.logger("steward.backup.s3"))
        return Setup(fixture: fixture, s3: s3, client: client, location: location, lines: lines, engine: engine)
    }

    /// backup → bucket (multipart) → verify → restore: identical row counts, the layout of the folder store.
    @Test func roundTripThroughABucket() async throws {
        let setup = try await Self.setup()
        defer { setup.stop() }
        let manifest = try await setup.engine.create(
            .init(url: setup.fixture.url("shop"), environment: "production", dependency: "db"))
        #expect(manifest.sizeBytes > 3 * S3Fixture.partSize)  // several parts

        let keys = try await setup.client.listObjects(bucket: setup.location.bucket, prefix: "prod/db/")
        #expect(keys.map(\.key).sorted() == ["prod/db/\(manifest.id).dump", "prod/db/\(manifest.id).json"])
        let artifact = try #require(keys.first { $0.key.hasSuffix(".dump") })
        #expect(artifact.size == manifest.sizeBytes)
        #expect(artifact.etag.contains("-"))  // a multipart upload's ETag

        let verification = try await setup.engine.verify(
            manifest.id, serverURL: setup.fixture.url(), integrityQueries: BackupFixture.orphanChecks)
        #expect(verification.passed, "\(verification.failures)")
        #expect(try await setup.engine.store.retained().map(\.verified) == [true])
        #expect(try await setup.engine.store.manifests().map { [$0.id, $0.sha256] } == [[manifest.id, manifest.sha256]])
        let scratch = try await setup.fixture.databases().filter { $0.hasPrefix("steward_verify") }
        #expect(scratch.isEmpty)

        let outcome = try await setup.engine.restore(manifest.id, into: setup.fixture.url("shop_copy"))
        #expect(outcome.verification.passed)
        let original = try await setup.fixture.counts("shop")
        #expect(try await setup.fixture.counts("shop_copy") == original)
        #expect(original["orders"] == 4000)
        #expect(manifest.tables.first { $0.name == "order_items" }?.rows == 9000)
    }

    /// One flipped byte in the bucket's artifact fails verification on the checksum, before any restore,
    /// and refuses a restore: no scratch or copy database is ever created.
    @Test func flippedByteInTheBucketIsCaughtBeforeRestore() async throws {
        let setup = try await Self.setup(prefix: "")
        defer { setup.stop() }
        let manifest = try await setup.engine.create(
            .init(url: setup.fixture.url("shop"), environment: "production", dependency: "db"))
        let key = setup.location.key("\(manifest.id).dump")
        let local = "\(setup.s3.files.path)/tampered.dump"
        _ = try await setup.client.getObject(bucket: setup.location.bucket, key: key, to: local)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: local))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: local))
        try await setup.client.upload(bucket: setup.location.bucket, key: key, file: local)

        let result = try await setup.engine.verify(manifest.id, serverURL: setup.fixture.url())
        #expect(!result.passed)
        #expect(result.failures.contains { $0.contains("sha256") })
        #expect(!result.checks.contains("pg_restore completed"))
        let error = await #expect(throws: BackupError.self) {
            try await setup.engine.restore(manifest.id, into: setup.fixture.url("shop_copy"))
        }
        #expect(error?.kind == .corrupt)
        let databases = try await setup.fixture.databases()
        #expect(!databases.contains("shop_copy"))
        let created = databases.filter { $0.contains("restore") || $0.hasPrefix("steward_verify") }
        #expect(created.isEmpty)
        #expect(try await setup.engine.store.retained().map(\.verified) == [false])
    }

    /// A missing artifact is corrupt, not a crash; prune deletes every object of a backup.
    @Test func missingArtifactAndPrune() async throws {
        let setup = try await Self.setup()
        defer { setup.stop() }
        let manifest = try await setup.engine.create(
            .init(url: setup.fixture.url("shop"), environment: "production", dependency: "db"))
        try await setup.client.deleteObject(bucket: setup.location.bucket, key: setup.location.key("\(manifest.id).dump"))
        let result = try await setup.engine.verify(manifest.id, serverURL: setup.fixture.url())
        #expect(!result.passed)
        #expect(result.failures.contains { $0.contains("missing") })

        let deleted = try await setup.engine.prune([
            RetentionDecision(
                backup: RetainedBackup(
                    id: manifest.id, createdAt: manifest.createdAt, environment: "production", dependency: "db",
                    verified: false),
                keep: false, reasons: ["test"])
        ])
        #expect(deleted == [manifest.id])
        #expect(try await setup.client.listObjects(bucket: setup.location.bucket, prefix: "prod/").isEmpty)
        let unknown = await #expect(throws: BackupError.self) { try await setup.engine.store.manifest(manifest.id) }
        #expect(unknown?.kind == .invalid)
    }

    /// Neither the S3 secret nor the database password is in a manifest, a verification, a log
    /// line or an error, even when the upload fails.
    @Test func credentialsAppearNowhere() async throws {
        let setup = try await Self.setup(prefix: "")
        defer { setup.stop() }
        let manifest = try await setup.engine.create(
            .init(url: setup.fixture.url("shop"), environment: "production", dependency: "db"))
        _ = try await setup.engine.verify(manifest.id, serverURL: setup.fixture.url())
        _ = try await setup.engine.restore(manifest.id, into: setup.fixture.url("shop_copy"))

        // An engine signing with a wrong secret: its errors must not name either secret.
        let wrongSecret = "wrong-\(UUID().uuidString)"
        let refused = BackupEngine(
            store: S3BackupStore(client: try setup.s3.client(secret: wrongSecret), location: setup.location),
            logger: setup.lines.logger("steward.backup.s3"))
        let error = await #expect(throws: (any Error).self) {
            try await refused.create(.init(url: setup.fixture.url("shop"), environment: "production", dependency: "db"))
        }
        let verifyError = await #expect(throws: (any Error).self) {
            try await refused.verify(manifest.id, serverURL: setup.fixture.url())
        }

        var texts = setup.lines.all + ["\(error!)", String(reflecting: error!), "\(verifyError!)"]
        for object in try await setup.client.listObjects(bucket: setup.location.bucket) where object.key.hasSuffix(".json") {
            texts.append(String(decoding: try await setup.client.getData(bucket: setup.location.bucket, key: object.key), as: UTF8.self))
        }
        #expect(texts.count >= 6)
        #expect(texts.contains { $0.contains("backup created") })
        for secret in [setup.s3.moto.secretAccessKey, wrongSecret, setup.fixture.password] {
            let leaks = texts.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "a secret appears in: \(leaks)")
        }
    }
}
