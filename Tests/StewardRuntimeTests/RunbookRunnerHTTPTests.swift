import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Runbook HTTP steps against a real HTTP server started by the test.
@Suite struct RunbookRunnerHTTPTests {
    let runner = RunbookStepRunner()

    func request(
        _ url: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil,
        expect: [Int] = [], timeout: Duration = .seconds(5)
    ) async -> RunbookStepResult {
        await runner.http(method: method, url: url, headers: headers, body: body, expectStatus: expect, timeout: timeout)
    }

    /// A GET answered 200 succeeds with the status and the body as output.
    @Test func getReturnsStatusAndBody() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 200, body: #"{"status":"ok"}"#) }
        defer { server.stop() }
        let result = await request(server.url + "/health")
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.status == 200)
        #expect(result.output == #"{"status":"ok"}"#)
        #expect(result.error == nil)
        let received = try #require(server.requests.first)
        #expect(received.method == "GET")
        #expect(received.path == "/health")
    }

    /// The method, headers and body are sent as given; any 2xx succeeds when nothing is expected.
    @Test func postSendsHeadersAndBody() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 202, body: "queued") }
        defer { server.stop() }
        let result = await request(
            server.url + "/admin/cache/flush", method: "post",
            headers: ["X-Operator": "steward", "Content-Type": "application/json"],
            body: #"{"scope":"all"}"#)
        #expect(result.succeeded, "\(result.error ?? "")")
        #expect(result.status == 202)
        let received = try #require(server.requests.first)
        #expect(received.method == "POST")
        #expect(received.headers["x-operator"] == "steward")
        #expect(received.headers["content-type"] == "application/json")
        #expect(received.body == #"{"scope":"all"}"#)
    }

    /// expectStatus decides: 503 fails by default (body kept, error naming status and URL),
    /// succeeds when 503 is expected; 200 fails when only 204 is.
    @Test func expectStatusDecides() async throws {
        let server = try TestHTTPServer.start { request in
            request.path == "/down" ? TestHTTPResponse(status: 503, body: "draining") : TestHTTPResponse(status: 200)
        }
        defer { server.stop() }
        let down = await request(server.url + "/down")
        #expect(!down.succeeded)
        #expect(down.status == 503)
        #expect(down.output == "draining")
        #expect(down.error == "HTTP 503 from GET \(server.url)/down, expected 2xx")

        let expectedDown = await request(server.url + "/down", expect: [500, 503])
        #expect(expectedDown.succeeded, "\(expectedDown.error ?? "")")

        let unexpectedUp = await request(server.url + "/up", expect: [204])
        #expect(!unexpectedUp.succeeded)
        #expect(unexpectedUp.error == "HTTP 200 from GET \(server.url)/up, expected 204")
    }

    /// A timeout longer than any clock holds ("forever") sends the request normally.
    @Test func hugeTimeoutDoesNotTrap() async throws {
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 204) }
        defer { server.stop() }
        let result = await request(server.url, timeout: .seconds(Int64.max))
        #expect(result.status == 204, "\(result.error ?? "")")
    }

    /// A server that never answers fails with "timed out" in time.
    @Test func silentServerTimesOut() async throws {
        let server = try TestHTTPServer.start { _ in nil }
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = await request(server.url + "/slow", timeout: .milliseconds(300))
        #expect(!result.succeeded)
        #expect(result.status == nil)
        #expect(result.error?.contains("timed out after 300ms") == true, "\(result.error ?? "")")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
    }

    /// A refused connection and a URL's password: the error says what happened and never shows the password.
    @Test func errorsHideThePassword() async throws {
        let port = try FreePort.next()
        let refused = await request("http://admin:hunter2@127.0.0.1:\(port)/", timeout: .seconds(1))
        #expect(!refused.succeeded)
        #expect(refused.error?.contains("connection refused") == true, "\(refused.error ?? "")")
        #expect(refused.error?.contains("hunter2") == false)

        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 500) }
        defer { server.stop() }
        let failed = await request("http://admin:hunter2@127.0.0.1:\(server.port)/x")
        #expect(failed.error == "HTTP 500 from GET http://admin:***@127.0.0.1:\(server.port)/x, expected 2xx")
    }

    /// A large body is read to its end and bounded: the end is kept.
    @Test func largeBodyIsBounded() async throws {
        let body = String(repeating: "0123456789", count: 6_000) + "THE END"
        let server = try TestHTTPServer.start { _ in TestHTTPResponse(status: 200, body: body) }
        defer { server.stop() }
        let result = await request(server.url)
        #expect(result.succeeded)
        #expect(result.output.utf8.count <= RunbookStepResult.outputLimit)
        #expect(result.output.hasSuffix("789THE END"))
        let (cut, kept) = RunbookRunnerCommandTests.cutMark(result.output)
        #expect(cut + kept == body.utf8.count)
    }

    /// A method that is not a token fails before anything is sent.
    @Test func badMethodFails() async {
        let result = await request("http://127.0.0.1:1/", method: "GET /")
        #expect(!result.succeeded)
        #expect(result.error == "'GET /' is not an HTTP method")
    }
}
