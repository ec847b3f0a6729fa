import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// TCP probes against real listening and closed ports.
@Suite struct ProbeTCPTests {
    let prober = Prober()

    /// A listening port passes, whether named by the check or by the target.
    @Test func openPortPasses() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse() }
        defer { server.stop() }
        let viaTarget = await prober.run(.tcp(port: nil), target: ProbeTarget(port: server.port), timeout: .seconds(2))
        #expect(viaTarget.ok, "\(viaTarget.message)")
        let viaCheck = await prober.run(.tcp(port: server.port), target: ProbeTarget(), timeout: .seconds(2))
        #expect(viaCheck.ok, "\(viaCheck.message)")
    }

    /// A closed port fails with "connection refused" and the address.
    @Test func closedPortFails() async throws {
        let port = try FreePort.next()
        let result = await prober.run(.tcp(port: port), target: ProbeTarget(), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message.contains("connection refused to 127.0.0.1:\(port)"), "\(result.message)")
    }

    /// A port out of range fails without trying.
    @Test func invalidPortFails() async {
        let result = await prober.run(.tcp(port: 70000), target: ProbeTarget(), timeout: .seconds(1))
        #expect(!result.ok)
        #expect(result.message.contains("not a TCP port"))
    }
}
