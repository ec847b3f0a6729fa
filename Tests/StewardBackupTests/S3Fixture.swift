import Foundation
import StewardBackup
import StewardTesting

/// A moto server (signatures checked unless asked otherwise) and clients signing with its key, or with a wrong one.
struct S3Fixture: Sendable {
    let moto: MotoServer
    let files: TemporaryDirectory

    /// Multipart parts the tests use: small, so an artifact of a few hundred KiB takes several.
    static let partSize: Int64 = 64 * 1024

    /// - Parameter checkSignatures: false for keys and prefixes moto cannot check (see ``MotoServer``).
    static func start(checkSignatures: Bool = true) async throws -> S3Fixture {
        S3Fixture(
            moto: try await MotoServer.start(minimumPartSize: Int(partSize), checkSignatures: checkSignatures),
            files: try TemporaryDirectory(prefix: "steward-s3"))
    }

    func stop() {
        moto.stop()
        files.remove()
    }

    var credentials: S3Credentials {
        S3Credentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey)
    }

    func client(partSize: Int64 = S3Fixture.partSize, secret: String? = nil) throws -> S3Client {
        var credentials = credentials
        if let secret { credentials.secretAccessKey = secret }
        return S3Client(
            connection: try S3Connection(endpoint: moto.endpoint, credentials: credentials), partSize: partSize)
    }

    /// A new bucket with a fresh name.
    func bucket(_ client: S3Client) async throws -> String {
        let name = "b-" + UUID().uuidString.lowercased().prefix(12)
        try await client.createBucket(name)
        return String(name)
    }

    /// Writes `size` pseudo-random bytes (seeded) to a new file and returns its path.
    func file(_ name: String, size: Int, seed: UInt64 = 1) throws -> String {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var bytes = [UInt8](repeating: 0, count: size)
        for index in bytes.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[index] = UInt8(truncatingIfNeeded: state)
        }
        let path = "\(files.path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
