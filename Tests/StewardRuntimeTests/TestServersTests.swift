import Foundation
import StewardTesting
import Testing

/// The shared test helpers start real servers, wait on conditions and always clean up.
@Suite struct TestServersTests {
    /// A started PostgreSQL answers on its port, and after `stop()` it no longer does and its directory is gone.
    @Test func postgresStartsAndStops() async throws {
        let postgres = try await PostgresServer.start()
        defer { postgres.stop() }
        #expect(postgres.url == "postgres://postgres@127.0.0.1:\(postgres.port)/postgres")
        #expect(FreePort.isListening(postgres.port))
        postgres.stop()
        #expect(!FreePort.isListening(postgres.port))
        #expect(!FileManager.default.fileExists(atPath: postgres.directory))
    }

    /// A started redis-server answers PING, and after `stop()` it no longer does.
    @Test func redisStartsAndStops() async throws {
        let redis = try await RedisServer.start()
        defer { redis.stop() }
        #expect(redis.url == "redis://127.0.0.1:\(redis.port)")
        #expect(FreePort.isListening(redis.port))
        redis.stop()
        #expect(!FreePort.isListening(redis.port))
        #expect(!FileManager.default.fileExists(atPath: redis.directory))
    }

    /// A password-protected redis-server puts the password in its URL.
    @Test func redisWithPasswordHasItInTheURL() async throws {
        let redis = try await RedisServer.start(password: "pa ss")
        defer { redis.stop() }
        #expect(redis.url == "redis://:pa%20ss@127.0.0.1:\(redis.port)")
    }

    /// `eventually` returns as soon as the condition holds.
    @Test func eventuallyReturnsWhenTheConditionHolds() async throws {
        var calls = 0
        try await eventually("the third call") {
            calls += 1
            return calls == 3
        }
        #expect(calls == 3)
    }

    /// `eventually` throws a `TimeoutError` naming what it waited for, with the last error seen.
    @Test func eventuallyTimesOutWithADescriptiveError() async throws {
        struct NotYet: Error, CustomStringConvertible { var description: String { "not yet" } }
        do {
            try await eventually(timeout: .milliseconds(200), "the impossible") { throw NotYet() }
            Issue.record("eventually returned although the condition never held")
        } catch let error as TimeoutError {
            #expect(error.description.contains("the impossible"))
            #expect(error.description.contains("not yet"))
        }
    }

    /// `FreePort.next()` returns distinct usable ports.
    @Test func freePortsAreUsable() throws {
        let first = try FreePort.next()
        let second = try FreePort.next()
        #expect((1024...65535).contains(first))
        #expect(first != second)
        #expect(!FreePort.isListening(first))
    }

    /// A temporary directory exists until removed.
    @Test func temporaryDirectoryIsCreatedAndRemoved() throws {
        let directory = try TemporaryDirectory(prefix: "steward-helper-test")
        defer { directory.remove() }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        #expect(directory.path.contains("steward-helper-test-"))
        directory.remove()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    /// The repository root holds Package.swift and the build directory holds the test binary's siblings.
    @Test func testEnvironmentFindsTheRepositoryAndTheBuildProducts() {
        let root = TestEnvironment.repositoryRoot()
        #expect(FileManager.default.fileExists(atPath: root + "/Package.swift"))
        let products = TestEnvironment.buildProductsDirectory()
        #expect(!products.contains(".xctest"))
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: products)) ?? []
        #expect(contents.contains { $0.hasSuffix(".xctest") || $0.hasSuffix(".swiftmodule") || $0 == "Modules" })
    }
}
