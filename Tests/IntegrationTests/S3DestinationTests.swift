import Foundation
import StewardTesting
import Testing

/// Backups with `destination: s3://…` through the control plane: a real `steward serve`, a real
/// PostgreSQL and moto checking every signature, the bucket reached through an `s3` dependency
/// whose secret key comes from the secret source.
@Suite(.serialized) struct S3DestinationTests {
    typealias F = RunbookFixture

    struct View: Decodable {
        struct Manifest: Decodable {
            var sizeBytes: Int
            var sha256: String
        }
        struct Operation: Decodable {
            var state: String
            var error: String?
        }
        var id: String
        var verified: Bool
        var manifest: Manifest?
        var operation: Operation?
    }

    /// Runs boto3 against moto with its key (given through the environment, never argv).
    static func boto(_ moto: MotoServer, _ script: String) async throws -> String {
        let result = try await runCommand(
            "/usr/bin/env",
            ["python3", "-c", "import boto3, sys\ns3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1')\n" + script,
             moto.endpoint],
            environment: ["AWS_ACCESS_KEY_ID": moto.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey])
        guard result.status == 0 else { throw UnexpectedAnswer(description: "boto3: \(result.standardError)") }
        return result.standardOutput
    }

    /// create (into the bucket, verified) → list → restore into another database with the same rows;
    /// the bucket holds the artifact and its manifest; neither secret is in an event, answer, log,
    /// data file or object.
    @Test func backupsGoToTheBucketOfTheS3Dependency() async throws {
        let password = "pg-s3-\(UInt32.random(in: 0...UInt32.max))"
        let postgres = try await PostgresServer.start(password: password)
        defer { postgres.stop() }
        let moto = try await MotoServer.start()
        defer { moto.stop() }
        _ = try await Self.boto(moto, "s3.create_bucket(Bucket='shop-backups')")
        let cluster = try await StewardCluster.start(processEnvironment: [
            "STEWARD_SECRET_DB_PASSWORD": password, "STEWARD_SECRET_S3_SECRET": moto.secretAccessKey,
        ])
        defer { cluster.shutdown() }
        let psql = PSQL(port: postgres.port, password: password)
        _ = try await psql("CREATE DATABASE shop", database: "postgres")
        _ = try await psql("""
            CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL);
            INSERT INTO orders (total) SELECT n FROM generate_series(1, 1200) n;
            """)
        let stack = """
            version: 1
            stack: shop
            dependencies:
              db:
                url: "postgres://postgres:${secret:DB_PASSWORD}@127.0.0.1:\(postgres.port)/shop"
              objects:
                type: s3
                url: "http://\(moto.accessKeyID):${secret:S3_SECRET}@127.0.0.1:\(moto.port)/shop-backups?region=us-east-1"
            services:
              api:
                command: /bin/true
            environments:
              production: {}
            backups:
              - dependency: db
                destination: s3://shop-backups
                verify: true

            """
        try await F.apply(stack, to: cluster)
        let ops = try await F.user("ops", roles: ["operator"], on: cluster)

        let created = try await F.steward(
            ["backup", "create", "db", "--env", "production", "--wait", "--output", "json"], token: ops, on: cluster)
        #expect(created.status == 0, "\(created.standardError)\n\(cluster.logs())")
        let backup = try JSONDecoder().decode(View.self, from: Data(created.standardOutput.utf8))
        #expect(backup.verified, "\(created.standardOutput)")

        let keys = try await Self.boto(
            moto, "print('\\n'.join(sorted(o['Key'] for o in s3.list_objects_v2(Bucket='shop-backups').get('Contents', []))))")
        #expect(
            keys.split(separator: "\n").map(String.init)
                == ["\(backup.id).dump", "\(backup.id).json", "\(backup.id).verification.json"], "\(keys)")
        #expect(!FileManager.default.fileExists(atPath: cluster.dataDirectory + "/backups/\(backup.id).dump"))

        let listed = try await F.steward(["backup", "list"], token: ops, on: cluster)
        #expect(listed.status == 0 && listed.standardOutput.contains(backup.id), "\(listed.standardOutput)\(listed.standardError)")

        let restored = try await F.steward(
            ["backup", "restore", backup.id, "--database", "shop_copy", "--yes", "--wait"], token: ops, on: cluster,
            timeout: .seconds(180))
        #expect(restored.status == 0, "\(restored.standardError)\n\(cluster.logs())")
        #expect(try await psql("SELECT count(*) FROM orders", database: "shop_copy") == "1200")

        var everything = try await cluster.api("GET", "/events?limit=1000").text
        everything += try await cluster.api("GET", "/backups").text + created.standardOutput + restored.standardOutput
        everything += try await cluster.http.get(cluster.serverURL + "/metrics").text
        everything += cluster.logs()
        everything += try await Self.boto(
            moto,
            "for k in ['\(backup.id).json', '\(backup.id).verification.json']: print(s3.get_object(Bucket='shop-backups', Key=k)['Body'].read().decode())")
        #expect(everything.contains(backup.id))
        for secret in [password, moto.secretAccessKey] {
            #expect(!everything.contains(secret), "a secret leaked")
        }
        let enumerator = FileManager.default.enumerator(atPath: cluster.dataDirectory)
        while let name = enumerator?.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: cluster.dataDirectory + "/" + name) else { continue }
            #expect(data.range(of: Data(moto.secretAccessKey.utf8)) == nil, "\(name) holds the S3 secret")
        }
    }
}
