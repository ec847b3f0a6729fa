import Foundation
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

/// Runbook Redis steps against a real redis-server started by the test.
@Suite struct RunbookRunnerRedisTests {
    let runner = RunbookStepRunner()

    func send(_ url: String, _ command: String..., timeout: Duration = .seconds(5)) async -> RunbookStepResult {
        await runner.redis(url: url, command: command, timeout: timeout)
    }

    /// Simple strings, bulk strings, nil, integers: each reply as text, in value and output alike.
    @Test func setGetDbsizeFlushdb() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let set = await send(redis.url, "SET", "session:1", "alice")
        #expect(set.succeeded, "\(set.error ?? "")")
        #expect(set.value == "OK")
        #expect(set.output == "OK")
        #expect(await send(redis.url, "GET", "session:1").value == "alice")
        #expect(await send(redis.url, "GET", "missing").value == "(nil)")
        #expect(await send(redis.url, "INCR", "hits").value == "1")
        #expect(await send(redis.url, "SET", "empty", "").value == "OK")
        #expect(await send(redis.url, "GET", "empty").value == "")
        #expect(await send(redis.url, "DBSIZE").value == "3")
        #expect(await send(redis.url, "FLUSHDB").value == "OK")
        #expect(await send(redis.url, "DBSIZE").value == "0")
    }

    /// Arrays are one line per element; nested arrays are indented; an empty array is empty.
    @Test func arrays() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        for key in ["cache:a", "cache:b", "cache:c"] { _ = await send(redis.url, "SET", key, "1") }
        let keys = await send(redis.url, "KEYS", "cache:*")
        #expect(keys.succeeded)
        #expect(Set(keys.value?.split(separator: "\n").map(String.init) ?? []) == ["cache:a", "cache:b", "cache:c"])
        #expect(await send(redis.url, "KEYS", "nothing:*").value == "")

        _ = await send(redis.url, "RPUSH", "queue", "one", "two")
        let scan = await send(redis.url, "SCAN", "0", "MATCH", "queue", "COUNT", "100")
        #expect(scan.value == "0\n  queue", "\(scan.value ?? "nil")")
        #expect(await send(redis.url, "MGET", "cache:a", "missing").value == "1\n(nil)")
    }

    /// A 100 KB bulk string is read to its end across many reads; the text keeps its end. In an
    /// array, the elements after it still come through.
    @Test func largeBulkValue() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let big = String((0..<100_000).map { index in Character(Unicode.Scalar(UInt8(97 + index % 26))) })
        #expect(await send(redis.url, "SET", "big", big).value == "OK")
        #expect(await send(redis.url, "STRLEN", "big").value == "100000")

        let get = await send(redis.url, "GET", "big")
        #expect(get.succeeded, "\(get.error ?? "")")
        let value = try #require(get.value)
        #expect(value.utf8.count <= RunbookStepResult.outputLimit)
        #expect(big.hasSuffix(String(value.suffix(10_000))))
        let (cut, kept) = RunbookRunnerCommandTests.cutMark(value)
        #expect(cut + kept == 100_000)
        #expect(get.output == value)

        _ = await send(redis.url, "SET", "small", "after-the-big-one")
        let both = await send(redis.url, "MGET", "big", "small")
        #expect(both.value?.hasSuffix(big.suffix(20) + "\nafter-the-big-one") == true)
    }

    /// An error reply fails the step with the server's message.
    @Test func errorReplyFails() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        let unknown = await send(redis.url, "NOPE")
        #expect(!unknown.succeeded)
        #expect(unknown.error?.hasPrefix("redis NOPE failed: ERR unknown command") == true, "\(unknown.error ?? "")")
        #expect(unknown.value == nil)

        _ = await send(redis.url, "LPUSH", "jobs", "x")
        let wrongType = await send(redis.url, "GET", "jobs")
        #expect(!wrongType.succeeded)
        #expect(wrongType.error?.contains("WRONGTYPE") == true, "\(wrongType.error ?? "")")
        #expect(wrongType.output.hasPrefix("(error) WRONGTYPE"))
    }

    /// With `requirepass`, the URL's password is sent first; a wrong or missing one fails without showing it.
    @Test func passwordProtectedServer() async throws {
        let redis = try await RedisServer.start(password: "right horse")
        defer { redis.stop() }
        #expect(await send(redis.url, "SET", "k", "v").value == "OK")
        #expect(await send(redis.url, "GET", "k").value == "v")

        let wrong = await send("redis://:battery-staple@127.0.0.1:\(redis.port)", "GET", "k")
        #expect(!wrong.succeeded)
        #expect(wrong.error?.contains("AUTH failed") == true, "\(wrong.error ?? "")")
        #expect(wrong.error?.contains("battery-staple") == false)

        let none = await send("redis://127.0.0.1:\(redis.port)", "GET", "k")
        #expect(!none.succeeded)
        #expect(none.error?.contains("NOAUTH") == true, "\(none.error ?? "")")
    }

    /// The URL's database is selected first; when SELECT fails the command is not sent at all.
    @Test func databaseFromTheURL() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        _ = await send(redis.url, "SET", "keep", "me")
        #expect(await send(redis.url + "/2", "SET", "other", "db").value == "OK")
        #expect(await send(redis.url + "/2", "DBSIZE").value == "1")

        let outOfRange = await send(redis.url + "/999", "FLUSHDB")
        #expect(!outOfRange.succeeded)
        #expect(outOfRange.error?.contains("SELECT failed") == true, "\(outOfRange.error ?? "")")
        #expect(await send(redis.url, "GET", "keep").value == "me")
    }

    /// A timeout longer than any clock holds ("forever") counts as the longest one.
    @Test func hugeTimeoutDoesNotTrap() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        #expect(await send(redis.url, "PING", timeout: .seconds(Int64.max)).value == "PONG")
    }

    /// A server that never answers fails with "timed out" in time; bad input fails without connecting.
    @Test func unusableTargetsFail() async throws {
        let silent = try TestHTTPServer.start { _ in nil }
        defer { silent.stop() }
        let started = ContinuousClock.now
        let result = await send("redis://127.0.0.1:\(silent.port)", "PING", timeout: .milliseconds(400))
        #expect(result.error?.contains("timed out after 400ms") == true, "\(result.error ?? "")")
        #expect(ContinuousClock.now - started < .seconds(15), "bounded by its timeout, not by the silent peer")

        let empty = await runner.redis(url: "redis://127.0.0.1:1", command: [], timeout: .seconds(1))
        #expect(empty.error == "no redis command to send")
        #expect(await send("rediss://127.0.0.1:6379", "PING").error?.contains("TLS") == true)
    }
}
