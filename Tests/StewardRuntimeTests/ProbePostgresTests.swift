import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// PostgreSQL probes against a real PostgreSQL 15 started by the test.
@Suite struct ProbePostgresTests {
    let prober = Prober()

    func probe(_ url: String, timeout: TimeSpan = .seconds(5)) async -> ProbeResult {
        await prober.run(.postgres(url: url), target: ProbeTarget(), timeout: timeout)
    }

    /// A running server passes; a wrong database, a wrong user or a wrong port fail clearly; a stopped server fails.
    @Test func probeAgainstRealServer() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }

        let ok = await probe(postgres.url)
        #expect(ok.ok, "\(ok.message)")

        let withOptions = await probe(postgres.url + "?sslmode=disable")
        #expect(withOptions.ok, "\(withOptions.message)")

        let wrongDatabase = await probe("postgres://postgres@127.0.0.1:\(postgres.port)/no_such_db")
        #expect(!wrongDatabase.ok)
        #expect(wrongDatabase.message.contains(#"database "no_such_db" does not exist"#), "\(wrongDatabase.message)")

        let wrongUser = await probe("postgres://nobody:secret@127.0.0.1:\(postgres.port)/postgres")
        #expect(!wrongUser.ok)
        #expect(wrongUser.message.contains(#"role "nobody" does not exist"#), "\(wrongUser.message)")
        #expect(!wrongUser.message.contains("secret"), "the password leaked: \(wrongUser.message)")

        let closedPort = try FreePort.next()
        let wrongPort = await probe("postgres://postgres@127.0.0.1:\(closedPort)/postgres")
        #expect(!wrongPort.ok)
        #expect(wrongPort.message.contains("connection refused to 127.0.0.1:\(closedPort)"), "\(wrongPort.message)")

        postgres.stop()
        let stopped = await probe(postgres.url)
        #expect(!stopped.ok)
        #expect(stopped.message.contains("connection refused"), "\(stopped.message)")
    }

    /// A server that accepts connections but never speaks fails with "timed out" in time.
    @Test func silentServerTimesOut() async throws {
        let silent = try TestHTTPServer.start { _ in nil }
        defer { silent.stop() }
        let started = ContinuousClock.now
        let result = await probe("postgres://postgres@127.0.0.1:\(silent.port)/postgres", timeout: .milliseconds(400))
        #expect(!result.ok)
        #expect(result.message.contains("timed out after 400ms"), "\(result.message)")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
    }

    /// Malformed URLs and TLS requirements fail without connecting.
    @Test func unusableURLsFail() async {
        let notPostgres = await probe("mysql://root@127.0.0.1/db")
        #expect(!notPostgres.ok)
        #expect(notPostgres.message.contains("expected a postgres:// URL"))
        let tls = await probe("postgres://u@127.0.0.1/db?sslmode=require")
        #expect(!tls.ok)
        #expect(tls.message.contains("sslmode=require is not supported"))
    }
}
