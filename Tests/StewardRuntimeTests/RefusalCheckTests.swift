import StewardCore
import StewardTesting
import Testing

@testable import StewardRuntime

/// The one-syscall refusal check the prober takes before a full attempt.
@Suite struct RefusalCheckTests {
    /// A closed loopback port refuses; a listening one does not; out-of-range ports are left to the full probe.
    @Test func tellsClosedFromListening() throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse() }
        defer { server.stop() }
        #expect(!RefusalCheck.refuses(loopbackPort: server.port))
        let closed = try FreePort.next()
        #expect(RefusalCheck.refuses(loopbackPort: closed))
        #expect(!RefusalCheck.refuses(loopbackPort: 0))
        #expect(!RefusalCheck.refuses(loopbackPort: 70000))
    }

    /// A refused HTTP probe still says what it tried, like the full attempt would.
    @Test func refusedHTTPProbeNamesTheAddress() async throws {
        let closed = try FreePort.next()
        let result = await Prober().run(
            .http(ProbeSpec.HTTPCheck(path: "/healthz")), target: ProbeTarget(port: closed), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message == "connection refused to 127.0.0.1:\(closed) (GET http://127.0.0.1:\(closed)/healthz)")
    }
}
