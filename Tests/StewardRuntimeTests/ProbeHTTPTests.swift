import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// HTTP probes against a real HTTP server started by the test.
@Suite struct ProbeHTTPTests {
    let prober = Prober()

    static let readyBody = #"{"status":"Ready","checks":{"database":"ok","latency":12,"up":true},"items":[{"name":"a"}]}"#

    func target(_ server: TestHTTPServer) -> ProbeTarget { ProbeTarget(port: server.port) }

    /// A 200 answer passes, the request carries the configured headers, and latency is measured.
    @Test func statusInRangePasses() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 200, body: "{}") }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(path: "/healthz", headers: ["X-Probe": "steward"]))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(result.ok, "\(result.message)")
        #expect(result.message.contains("HTTP 200"))
        #expect(result.latency >= 0)
        let request = try #require(server.requests.first)
        #expect(request.method == "GET")
        #expect(request.path == "/healthz")
        #expect(request.headers["x-probe"] == "steward")
    }

    /// A 503 answer fails, and the message names the status and the path.
    @Test func statusOutOfRangeFails() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 503, body: #"{"status":"NotReady"}"#) }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(path: "/api/health/readyz"))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message.contains("HTTP 503 from /api/health/readyz"), "\(result.message)")
    }

    /// A custom status range decides: 503 passes when 500...503 is expected, and 200 then fails.
    @Test func customStatusRange() async throws {
        let server = try TestHTTPServer.start { request in
            TestHTTPResponse(status: request.path == "/down" ? 503 : 200)
        }
        defer { server.stop() }
        let down = await prober.run(.http(.init(path: "/down", expectStatus: 500...503)), target: target(server), timeout: .seconds(2))
        #expect(down.ok, "\(down.message)")
        let up = await prober.run(.http(.init(path: "/up", expectStatus: 500...503)), target: target(server), timeout: .seconds(2))
        #expect(!up.ok)
        #expect(up.message.contains("HTTP 200 from /up"))
    }

    /// A redirect is the answer itself (not followed): 301 passes under the default 200...399.
    @Test func redirectsAreNotFollowed() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 301, headers: ["Location": "http://127.0.0.1:1/"]) }
        defer { server.stop() }
        let result = await prober.run(.http(.init(path: "/")), target: target(server), timeout: .seconds(2))
        #expect(result.ok, "\(result.message)")
        #expect(server.requests.count == 1)
    }

    /// Expected JSON fields pass when equal, including dotted paths, numbers, booleans and array indices.
    @Test func expectedJSONMatches() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(body: ProbeHTTPTests.readyBody) }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(
            path: "/readyz",
            expectJSON: ["status": "Ready", "checks.database": "ok", "checks.latency": "12", "checks.up": "true",
                         "items.0.name": "a"]))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(result.ok, "\(result.message)")
    }

    /// A field with another value fails and says what it was and what was expected.
    @Test func expectedJSONMismatchFails() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(body: #"{"status":"NotReady"}"#) }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(path: "/readyz", expectJSON: ["status": "Ready"]))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message == "field status was 'NotReady', expected 'Ready'")
    }

    /// A missing dotted field fails and names the field.
    @Test func expectedJSONMissingFieldFails() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(body: ProbeHTTPTests.readyBody) }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(path: "/readyz", expectJSON: ["checks.cache": "ok"]))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message.contains("field checks.cache is missing"), "\(result.message)")
    }

    /// A body that is not JSON fails when fields are expected.
    @Test func nonJSONBodyFailsWhenFieldsAreExpected() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(body: "<html>ok</html>") }
        defer { server.stop() }
        let check = ProbeSpec.Check.http(.init(path: "/readyz", expectJSON: ["status": "Ready"]))
        let result = await prober.run(check, target: target(server), timeout: .seconds(2))
        #expect(!result.ok)
        #expect(result.message.contains("not JSON"), "\(result.message)")
    }

    /// A server that never answers fails with "timed out" within the timeout plus a margin.
    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try TestHTTPServer.start { _ in nil }
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = await prober.run(.http(.init(path: "/slow")), target: target(server), timeout: .milliseconds(500))
        let took = ContinuousClock.now - started
        #expect(!result.ok)
        #expect(result.message.contains("timed out after 500ms"), "\(result.message)")
        #expect(took < .seconds(15), "bounded by its timeout, not by the silent server")
    }

    /// Nothing listening: the probe fails fast with "connection refused".
    @Test func connectionRefusedFails() async throws {
        let port = try FreePort.next()
        let started = ContinuousClock.now
        let result = await prober.run(.http(.init(path: "/healthz")), target: ProbeTarget(port: port), timeout: .seconds(5))
        #expect(!result.ok)
        #expect(result.message.contains("connection refused"), "\(result.message)")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
    }

    /// The check's own port wins over the instance's.
    @Test func checkPortOverridesTargetPort() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 204) }
        defer { server.stop() }
        let closed = try FreePort.next()
        let result = await prober.run(.http(.init(path: "/", port: server.port)), target: ProbeTarget(port: closed), timeout: .seconds(2))
        #expect(result.ok, "\(result.message)")
    }

    /// Without any port the probe fails and says so.
    @Test func missingPortFails() async {
        let result = await prober.run(.http(.init(path: "/")), target: ProbeTarget(port: nil), timeout: .seconds(1))
        #expect(!result.ok)
        #expect(result.message.contains("no port"))
    }
}
