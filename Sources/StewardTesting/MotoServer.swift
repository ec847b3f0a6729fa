import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real S3-protocol server for one test: moto (`python3 -m moto.server`, PyPI `moto[server]`) on
/// a free port of 127.0.0.1, with signature checking on.
///
/// moto checks SigV4 signatures only for requests after its first `INITIAL_NO_AUTH_ACTION_COUNT`;
/// the helper spends exactly those on creating an IAM user with an access key and an allow-all S3
/// policy (through boto3, which moto installs), so every request the test sends afterwards must be
/// signed with that key: a wrong signature is answered `SignatureDoesNotMatch`.
///
/// moto rebuilds the canonical request from the decoded URL, so it also refuses correctly signed
/// requests whose key or query value needs percent-encoding (boto3's as well: `prefix=p%2F`, a key
/// with a space). Tests of such keys and of listings under a prefix start it with
/// `checkSignatures: false`; real S3 and MinIO canonicalize as the signer does.
///
/// ```swift
/// let moto = try await MotoServer.start()
/// defer { moto.stop() }
/// ```
public final class MotoServer: Sendable {
    /// The TCP port it listens on (127.0.0.1).
    public let port: Int
    /// The key moto accepts signatures of.
    public let accessKeyID: String
    public let secretAccessKey: String
    /// The server's temporary directory (its log is `moto.log` inside).
    public let directory: String
    private let server: ServerProcess

    /// `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Unauthenticated requests moto accepts before it checks signatures: the three of the IAM setup.
    static let setupActions = 3

    static let setupScript = """
        import boto3, json, sys
        iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="steward")
        key = iam.create_access_key(UserName="steward")["AccessKey"]
        iam.put_user_policy(UserName="steward", PolicyName="s3", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        print("KEY", key["AccessKeyId"], key["SecretAccessKey"])
        """

    private init(port: Int, accessKeyID: String, secretAccessKey: String, directory: String, process: ChildProcess) {
        self.port = port
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.directory = directory
        self.server = ServerProcess(process, directory: directory)
    }

    deinit { stop() }

    /// Starts moto, waits until it accepts connections, and creates the signing key.
    ///
    /// - Parameters:
    ///   - minimumPartSize: the smallest multipart part moto accepts but for the last (S3's is
    ///     5 MiB); tests lower it to exercise many parts with a small artifact.
    /// - Throws: when moto is not installed (`python3 -m pip install 'moto[server]'`), exits, or
    ///   does not listen within 30 seconds.
    ///   - checkSignatures: false lets every request in, whatever its signature.
    public static func start(minimumPartSize: Int = 5 * 1024 * 1024, checkSignatures: Bool = true) async throws
        -> MotoServer
    {
        let temporary = try TemporaryDirectory(prefix: "steward-moto")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try FreePort.next()
            let arguments = [
                "/usr/bin/env", "INITIAL_NO_AUTH_ACTION_COUNT=\(checkSignatures ? "\(setupActions)" : "inf")",
                "S3_UPLOAD_PART_MIN_SIZE=\(minimumPartSize)", "python3", "-m", "moto.server",
                "-H", "127.0.0.1", "-p", "\(port)",
            ]
            do {
                let log = open("\(temporary.path)/moto.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                guard log >= 0 else { throw SystemCallError.failed("open moto.log", errno: errno) }
                defer { close(log) }
                let child = try ChildProcess.spawn(arguments, output: log)
                do {
                    // A bare connection: an HTTP request would use up one of the unauthenticated actions.
                    try await eventually(timeout: .seconds(30), pollEvery: .milliseconds(50), "moto on port \(port) listens") {
                        if let status = child.exitStatus() { throw ServerExited(status: status) }
                        return canConnect(port: port)
                    }
                    let setup = try await CommandRunner.run(["/usr/bin/env", "python3", "-c", setupScript, "http://127.0.0.1:\(port)"])
                    let words = setup.output.split(whereSeparator: \.isWhitespace)
                    guard setup.status == 0, let index = words.firstIndex(of: "KEY"), index + 2 < words.count else {
                        throw CommandFailed(command: ["python3", "-c", "(moto IAM setup)"], status: setup.status, output: setup.output)
                    }
                    return MotoServer(
                        port: port, accessKeyID: String(words[index + 1]), secretAccessKey: String(words[index + 2]),
                        directory: temporary.path, process: child)
                } catch {
                    child.terminate(grace: .seconds(1))
                    throw error
                }
            } catch {
                let log = (try? String(contentsOfFile: "\(temporary.path)/moto.log", encoding: .utf8)) ?? ""
                lastError = CommandFailed(command: arguments, status: -1, output: "\(error)\n\(log.suffix(4000))")
            }
        }
        temporary.remove()
        throw lastError!
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 seconds), reaps it and deletes its directory.
    /// Safe to call twice.
    public func stop() { server.stop() }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func canConnect(port: Int) -> Bool {
        let descriptor = LoopbackAddress.streamSocket()
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = LoopbackAddress.make(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}
