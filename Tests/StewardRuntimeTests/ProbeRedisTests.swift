import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Redis probes against a real redis-server started by the test.
@Suite struct ProbeRedisTests {
    let prober = Prober()

    func probe(_ url: String, timeout: TimeSpan = .seconds(3)) async -> ProbeResult {
        await prober.run(.redis(url: url), target: ProbeTarget(), timeout: timeout)
    }

    /// PING passes against a running server (also with a database number) and fails once it is stopped.
    @Test func pingAgainstRealServer() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let ok = await probe(redis.url)
        #expect(ok.ok, "\(ok.message)")
        #expect(ok.message == "PONG")

        let database = await probe(redis.url + "/3")
        #expect(database.ok, "\(database.message)")

        let outOfRange = await probe(redis.url + "/999")
        #expect(!outOfRange.ok)
        #expect(outOfRange.message.contains("SELECT failed"), "\(outOfRange.message)")

        redis.stop()
        let stopped = await probe(redis.url)
        #expect(!stopped.ok)
        #expect(stopped.message.contains("connection refused to 127.0.0.1:\(redis.port)"), "\(stopped.message)")
    }

    /// With `requirepass`, no password and a wrong one fail clearly; the right one passes.
    @Test func passwordProtectedServer() async throws {
        let redis = try await RedisServer.start(password: "right horse")
        defer { redis.stop() }

        let right = await probe(redis.url)
        #expect(right.ok, "\(right.message)")

        let none = await probe("redis://127.0.0.1:\(redis.port)")
        #expect(!none.ok)
        #expect(none.message.contains("NOAUTH"), "\(none.message)")

        let wrong = await probe("redis://:battery-staple@127.0.0.1:\(redis.port)")
        #expect(!wrong.ok)
        #expect(wrong.message.contains("AUTH failed"), "\(wrong.message)")
        #expect(!wrong.message.contains("battery-staple"), "the password leaked: \(wrong.message)")
    }

    /// A server that accepts connections but never answers fails with "timed out" in time.
    @Test func silentServerTimesOut() async throws {
        let silent = try TestHTTPServer.start { _ in nil }
        defer { silent.stop() }
        let started = ContinuousClock.now
        let result = await probe("redis://127.0.0.1:\(silent.port)", timeout: .milliseconds(400))
        #expect(!result.ok)
        #expect(result.message.contains("timed out after 400ms"), "\(result.message)")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")
    }

    /// TLS URLs and non-numeric databases fail without connecting.
    @Test func unusableURLsFail() async {
        let tls = await probe("rediss://127.0.0.1:6379")
        #expect(!tls.ok)
        #expect(tls.message.contains("TLS"))
        let badDatabase = await probe("redis://127.0.0.1:6379/cache")
        #expect(!badDatabase.ok)
        #expect(badDatabase.message.contains("not a number"))
    }
}
