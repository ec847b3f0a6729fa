import Crypto
import Foundation
import StewardTesting
import Testing

@testable import StewardBackup

/// The S3 client against a real S3-protocol server (moto), checking signatures but where moto
/// cannot (keys and prefixes that need percent-encoding).
@Suite(.serialized) struct S3ClientTests {
    /// A file goes up in one PutObject and comes back byte for byte, streamed to a 0600 file; a key
    /// with characters that need encoding works.
    @Test func putHeadGetRoundTrip() async throws {
        let s3 = try await S3Fixture.start(checkSignatures: false)
        defer { s3.stop() }
        let client = try s3.client(partSize: 1024 * 1024)
        let bucket = try await s3.bucket(client)
        let source = try s3.file("small", size: 200_000)
        let expected = SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: source))).map { String(format: "%02x", $0) }.joined()

        try await client.upload(bucket: bucket, key: "dir/a key+odd&name.bin", file: source, sha256: expected)
        let head = try #require(try await client.headObject(bucket: bucket, key: "dir/a key+odd&name.bin"))
        #expect(head.size == 200_000)
        #expect(!head.etag.contains("-"))  // one PutObject, not a multipart upload

        let copy = "\(s3.files.path)/copy"
        let (size, sha256) = try await client.getObject(bucket: bucket, key: "dir/a key+odd&name.bin", to: copy)
        #expect(size == 200_000)
        #expect(sha256 == expected)
        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try await client.headObject(bucket: bucket, key: "missing") == nil)
    }

    /// A file bigger than several parts goes up as a multipart upload and comes back identical.
    @Test func multipartUpload() async throws {
        let s3 = try await S3Fixture.start()
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        let size = Int(S3Fixture.partSize) * 4 + 12_345
        let source = try s3.file("big", size: size, seed: 7)
        let etag = try await client.upload(bucket: bucket, key: "big.bin", file: source)
        #expect(etag.hasSuffix("-5"))  // S3's ETag of a 5-part upload
        let head = try #require(try await client.headObject(bucket: bucket, key: "big.bin"))
        #expect(head.size == Int64(size))
        let copy = "\(s3.files.path)/big-copy"
        _ = try await client.getObject(bucket: bucket, key: "big.bin", to: copy)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(contentsOf: URL(fileURLWithPath: source)))
        #expect(try await client.inProgressUploads(bucket: bucket).isEmpty)
    }

    /// A multipart upload that fails midway is aborted: no object, no upload left open.
    @Test func failedMultipartUploadIsAborted() async throws {
        let s3 = try await S3Fixture.start()
        defer { s3.stop() }
        // Parts below the server's minimum are refused when the upload completes.
        let client = try s3.client(partSize: 1024)
        let bucket = try await s3.bucket(client)
        let source = try s3.file("parts", size: 5000)
        await #expect(throws: S3Error.self) { try await client.upload(bucket: bucket, key: "x.bin", file: source) }
        #expect(try await client.headObject(bucket: bucket, key: "x.bin") == nil)
        #expect(try await client.inProgressUploads(bucket: bucket).isEmpty)
    }

    /// Listing follows continuation tokens; delete removes; errors carry S3's code and message.
    @Test func listDeleteAndErrors() async throws {
        let s3 = try await S3Fixture.start(checkSignatures: false)
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        for index in 0..<7 { try await client.putData(bucket: bucket, key: "p/\(index).txt", Data("v\(index)".utf8)) }
        try await client.putData(bucket: bucket, key: "other.txt", Data("x".utf8))
        let listed = try await client.listObjects(bucket: bucket, prefix: "p/", pageSize: 3)
        #expect(listed.map(\.key) == (0..<7).map { "p/\($0).txt" })
        #expect(listed.allSatisfy { $0.size == 2 && !$0.etag.isEmpty && !$0.lastModified.isEmpty })

        try await client.deleteObject(bucket: bucket, key: "p/3.txt")
        #expect(try await client.listObjects(bucket: bucket, prefix: "p/").count == 6)

        let missing = await #expect(throws: S3Error.self) { try await client.getData(bucket: bucket, key: "p/3.txt") }
        #expect(missing?.code == "NoSuchKey")
        #expect(missing?.status == 404)
        #expect(missing?.description.contains("GetObject") == true)
    }

    /// A wrong secret is refused by the server (the signature is really checked), and the error names
    /// S3's code without either secret.
    @Test func wrongSecretIsRefusedWithoutLeakingIt() async throws {
        let s3 = try await S3Fixture.start()
        defer { s3.stop() }
        let bucket = try await s3.bucket(try s3.client())
        let wrong = "wrong-\(UUID().uuidString)"
        let client = try s3.client(secret: wrong)
        let error = await #expect(throws: S3Error.self) { try await client.listObjects(bucket: bucket) }
        #expect(error?.code == "SignatureDoesNotMatch")
        #expect(error?.status == 403)
        let text = "\(error!) \(String(reflecting: error!))"
        #expect(!text.contains(wrong))
        #expect(!text.contains(s3.moto.secretAccessKey))
    }
}

/// What a backup cut short by a restart left in a bucket: its unfinished multipart upload.
@Suite struct S3LeftoverUploadTests {
    /// The unfinished upload of the artifact is aborted; another object's upload is left alone.
    @Test func theArtifactsUnfinishedUploadIsAborted() async throws {
        let s3 = try await S3Fixture.start()
        defer { s3.stop() }
        let client = try s3.client()
        let bucket = try await s3.bucket(client)
        let store = S3BackupStore(client: client, location: try S3Location(url: "s3://\(bucket)"))
        let id = "20261126-120000-abcdef"
        _ = try await client.createMultipartUpload(bucket: bucket, key: "\(id).dump")
        let other = try await client.createMultipartUpload(bucket: bucket, key: "\(id).dump.other")
        #expect(try await client.inProgressUploads(bucket: bucket, prefix: "\(id).dump").count == 2)

        let removed = await store.discardStaged(id)
        #expect(removed.count == 1 && removed.first?.contains("\(id).dump") == true, "\(removed)")
        #expect(try await client.inProgressUploads(bucket: bucket) == [other])
        #expect(await store.discardStaged(id).isEmpty, "nothing left the second time")
    }
}
