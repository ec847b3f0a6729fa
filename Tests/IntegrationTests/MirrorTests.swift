import Foundation
import StewardTesting
import Testing

/// Bucket mirrors through the product: a real `steward serve`, moto checking every signature, and
/// the `steward mirror` CLI; the buckets are reached through `s3` dependencies whose secret key
/// comes from the secret source, and boto3 looks at the buckets from the outside.
@Suite(.serialized) struct MirrorTests {
    typealias F = RunbookFixture

    struct Mirror: Decodable {
        struct Operation: Decodable {
            var run: String
            var kind: String
            var state: String
            var copied: Int?
            var skipped: Int?
            var deleted: Int?
            var kept: Int?
            var bytes: Int
            var error: String?
        }
        var name: String
        var operation: Operation?
    }

    static func boto(_ moto: MotoServer, _ script: String) async throws -> String {
        try await S3DestinationTests.boto(moto, script)
    }

    /// `KEY SHA256` for every object of a bucket but the manifest, sorted by key.
    static func digests(_ moto: MotoServer, _ bucket: String) async throws -> [String] {
        try await boto(
            moto,
            """
            import hashlib
            for o in sorted(s3.list_objects_v2(Bucket='\(bucket)').get('Contents', []), key=lambda o: o['Key']):
                if o['Key'] != '.steward-mirror.json':
                    print(o['Key'], hashlib.sha256(s3.get_object(Bucket='\(bucket)', Key=o['Key'])['Body'].read()).hexdigest())
            """
        ).split(separator: "\n").map(String.init)
    }

    static func decode(_ result: CommandResult) throws -> Mirror.Operation {
        let mirror = try JSONDecoder().decode(Mirror.self, from: Data(result.standardOutput.utf8))
        return try #require(mirror.operation, "\(result.standardOutput)")
    }

    /// `steward mirror` and each subcommand explain themselves; the smartunderwrite example's mirrors
    /// validate without a warning (every mirror key is enforced).
    @Test func helpAndValidation() async throws {
        let help = try await runCommand(StewardCluster.stewardBinary, ["mirror", "--help"])
        #expect(help.status == 0)
        for word in ["list", "sync", "restore", "keepRemoved", "Exit codes"] {
            #expect(help.standardOutput.contains(word), "\(word): \(help.standardOutput)")
        }
        for subcommand in ["list", "sync", "restore"] {
            let text = try await runCommand(StewardCluster.stewardBinary, ["mirror", subcommand, "--help"])
            #expect(text.status == 0 && text.standardOutput.contains("--output"), "\(subcommand): \(text.standardOutput)")
        }
        let example = TestEnvironment.repositoryRoot() + "/examples/smartunderwrite.yaml"
        let validated = try await runCommand(StewardCluster.stewardBinary, ["validate", example])
        #expect(validated.status == 0, "\(validated.standardOutput)\(validated.standardError)")
        // Warnings name the key path in backquotes: `mirrors[0].keepRemoved`.
        #expect(!(validated.standardOutput + validated.standardError).contains("`mirrors"), "\(validated.standardOutput)")
        #expect(validated.standardOutput.contains("`alerts`"), "the check can fail: \(validated.standardOutput)")
    }

    /// sync → the mirror bucket holds every object and a manifest; a second sync copies nothing; an
    /// object deleted at the source leaves the mirror (and stays in a `keepRemoved` folder mirror);
    /// restore into an empty bucket gives the same objects, byte for byte (SHA-256). Refusals exit 2;
    /// the secret key is in no event, answer, log or data file.
    @Test func syncIsIncrementalAndRestoreGivesTheSameObjects() async throws {
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        _ = try await Self.boto(
            moto,
            """
            for b in ['docs-src', 'docs-mirror', 'docs-restore']: s3.create_bucket(Bucket=b)
            s3.put_object(Bucket='docs-src', Key='applications/1001.pdf', Body=b'%PDF-1.7 application 1001')
            s3.put_object(Bucket='docs-src', Key='applications/1002.pdf', Body=bytes(range(256)) * 800)
            s3.put_object(Bucket='docs-src', Key='contracts/2026/loan-7.pdf', Body=b'signed contract')
            s3.put_object(Bucket='docs-src', Key='readme.txt', Body=b'documents bucket')
            """)
        let cluster = try await StewardCluster.start(processEnvironment: ["STEWARD_SECRET_S3_SECRET": moto.secretAccessKey])
        defer { cluster.shutdown() }
        func bucket(_ name: String) -> String {
            "      type: s3\n      url: \"http://\(moto.accessKeyID):${secret:S3_SECRET}@127.0.0.1:\(moto.port)/\(name)?region=us-east-1\"\n"
        }
        let stack = """
            version: 1
            stack: underwrite
            dependencies:
              documents:
            \(bucket("docs-src"))  documents-mirror:
            \(bucket("docs-mirror"))  documents-restore:
            \(bucket("docs-restore"))services:
              api:
                command: /bin/true
            environments:
              production: {}
            mirrors:
              - name: documents
                source: s3://docs-src
                target: s3://docs-mirror
              - name: documents-kept
                source: s3://docs-src
                target: mirrors/documents
                keepRemoved: true

            """
        try await F.apply(stack, to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)
        let viewer = try await F.user("vic", roles: ["viewer"], on: cluster)

        let first = try await F.steward(["mirror", "sync", "documents", "--output", "json"], token: ops, on: cluster)
        #expect(first.status == 0, "\(first.standardError)\n\(cluster.logs())")
        let synced = try Self.decode(first)
        #expect(synced.state == "succeeded" && synced.copied == 4 && synced.skipped == 0 && synced.deleted == 0, "\(first.standardOutput)")
        let source = try await Self.digests(moto, "docs-src")
        #expect(source.count == 4)
        #expect(try await Self.digests(moto, "docs-mirror") == source)
        let manifest = try await Self.boto(
            moto, "print(s3.get_object(Bucket='docs-mirror', Key='.steward-mirror.json')['Body'].read().decode())")
        #expect(manifest.contains("contracts/2026/loan-7.pdf") && manifest.contains("docs-src"), "\(manifest)")

        let kept = try await F.steward(["mirror", "sync", "documents-kept"], token: ops, on: cluster)
        #expect(kept.status == 0 && kept.standardOutput.contains("4 copied"), "\(kept.standardOutput)\(kept.standardError)")
        let folder = cluster.dataDirectory + "/mirrors/documents"
        #expect(FileManager.default.contents(atPath: folder + "/contracts/2026/loan-7.pdf") == Data("signed contract".utf8))

        let second = try await F.steward(["mirror", "sync", "documents", "--output", "json"], token: ops, on: cluster)
        #expect(second.status == 0, "\(second.standardError)")
        let again = try Self.decode(second)
        #expect(again.copied == 0 && again.skipped == 4 && again.bytes == 0 && again.run != synced.run, "\(second.standardOutput)")

        _ = try await Self.boto(moto, "s3.delete_object(Bucket='docs-src', Key='readme.txt')")
        let third = try await F.steward(["mirror", "sync", "documents", "--output", "json"], token: ops, on: cluster)
        #expect(try Self.decode(third).deleted == 1, "\(third.standardOutput)\(third.standardError)")
        let remaining = try await Self.digests(moto, "docs-src")
        #expect(remaining.count == 3)
        #expect(try await Self.digests(moto, "docs-mirror") == remaining)
        let keptAgain = try await F.steward(["mirror", "sync", "documents-kept", "--output", "json"], token: ops, on: cluster)
        #expect(try Self.decode(keptAgain).kept == 1, "\(keptAgain.standardOutput)\(keptAgain.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder + "/readme.txt"), "keepRemoved keeps the copy")

        let restored = try await F.steward(
            ["mirror", "restore", "documents", "--to", "s3://docs-restore", "--yes", "--output", "json"], token: ops,
            on: cluster)
        #expect(restored.status == 0, "\(restored.standardError)\n\(cluster.logs())")
        #expect(try Self.decode(restored).copied == 3, "\(restored.standardOutput)")
        #expect(try await Self.digests(moto, "docs-restore") == remaining)

        let listed = try await F.steward(["mirror", "list"], token: viewer, on: cluster)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(listed.standardOutput.contains("documents  s3://docs-src -> s3://docs-mirror"), "\(listed.standardOutput)")
        #expect(listed.standardOutput.contains("restore"), "\(listed.standardOutput)")

        let refused = try await F.steward(["mirror", "sync", "documents"], token: viewer, on: cluster)
        #expect(refused.status == 2 && refused.standardError.contains("needs the role 'operator'"), "\(refused.standardError)")
        let unknown = try await F.steward(["mirror", "sync", "photos"], token: ops, on: cluster)
        #expect(unknown.status == 2 && unknown.standardError.contains("mirror 'photos' is not declared"), "\(unknown.standardError)")
        let usage = try await F.steward(["mirror", "restore", "documents", "--to", "/tmp/x", "--yes"], token: ops, on: cluster)
        #expect(usage.status == 64, "\(usage.standardError)")

        let events = try await cluster.api("GET", "/events?limit=1000").text
        for type in ["mirror.started", "mirror.synced", "mirror.restored"] { #expect(events.contains(type), "\(type)") }
        var everything = events + first.standardOutput + restored.standardOutput + listed.standardOutput + cluster.logs()
        everything += try await cluster.api("GET", "/mirrors").text + manifest
        #expect(!everything.contains(moto.secretAccessKey), "a secret leaked")
        let enumerator = FileManager.default.enumerator(atPath: cluster.dataDirectory)
        while let name = enumerator?.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: cluster.dataDirectory + "/" + name) else { continue }
            #expect(data.range(of: Data(moto.secretAccessKey.utf8)) == nil, "\(name) holds the S3 secret")
        }
    }
}
