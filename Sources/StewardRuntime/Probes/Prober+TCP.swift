import NIOCore
import NIOPosix
import StewardCore

extension Prober {
    /// Opens a TCP connection to `host:port` and closes it again.
    func runTCP(host: String, port: Int?, timeout: TimeSpan) async throws -> String {
        guard let port else {
            throw ProbeFailure("no port to probe: the tcp check names none and the instance has none")
        }
        guard (1...65535).contains(port) else { throw ProbeFailure("port \(port) is not a TCP port") }
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.milliseconds(timeout.milliseconds))
            .connect(host: host, port: port)
            .get()
        try? await channel.close()
        return "connected to \(HTTPAddress.hostPort(host, port))"
    }
}
