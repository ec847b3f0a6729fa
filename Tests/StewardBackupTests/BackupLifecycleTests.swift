import Foundation
import Logging
import NIOPosix
import PostgresNIO
import StewardBackup
import StewardCore
import StewardTesting
import Synchronization
import Testing

/// The swap with the application still connected, and pruning the store by retention's decisions.
@Suite struct BackupLifecycleTests {
    /// The hook runs once the copy beside passed its checks; the swap then ends the sessions still
    /// open on the target (the application's) instead of failing on them.
    @Test func swapEndsTheTargetsSessionsAfterTheHook() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let manifest = try await fixture.engine.create(.init(url: fixture.url("shop"), environment: "staging", dependency: "db"))
        try await fixture.execute("DELETE FROM order_items", database: "shop")
        let application = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: "127.0.0.1", port: fixture.postgres.port, username: "postgres", password: fixture.password,
                database: "shop", tls: .disable),
            id: 2, logger: BackupFixture.logger)
        let seenByHook = Shared<[String]>([])

        let outcome = try await fixture.engine.restore(
            manifest.id, into: fixture.url("shop"),
            options: .init(
                force: true,
                beforeSwap: {
                    let databases = try await fixture.databases()
                    seenByHook.value.withLock { $0 = databases }
                }))

        let beside = "shop_restore_" + manifest.id.replacingOccurrences(of: "-", with: "_")
        #expect(seenByHook.value.withLock { $0.contains(beside) && $0.contains("shop") })
        #expect(try await fixture.counts("shop")["order_items"] == 9000)
        #expect(try await fixture.counts(try #require(outcome.previousDatabase))["order_items"] == 0)
        // Not a query on it: PostgresNIO may leave a query on a connection the server ended waiting forever.
        try await eventually("the application's session was ended by the swap") { application.isClosed }
        try? await application.close()
    }

    /// Retention over the store: the newest backup stays (keepLast 1), so does the newest verified
    /// one though older; the backup between them is deleted with its files.
    @Test func pruneDeletesWhatRetentionDecides() async throws {
        let fixture = try await BackupFixture.start()
        defer { fixture.stop() }
        let request = BackupEngine.CreateRequest(url: fixture.url("shop"), environment: "production", dependency: "db")
        let verified = try await fixture.engine.create(request)
        #expect(try await fixture.engine.verify(verified.id, serverURL: fixture.url()).passed)
        let middle = try await fixture.engine.create(request)
        let newest = try await fixture.engine.create(request)

        let decisions = BackupRetention.decide(
            try fixture.store.retained(), policies: ["production": RetentionSpec(keepLast: 1)],
            now: newest.createdAt)
        #expect(try await fixture.engine.prune(decisions) == [middle.id])
        #expect(try fixture.store.manifests().map(\.id) == [verified.id, newest.id])
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.store.directory)
        #expect(!files.contains { $0.hasPrefix(middle.id) })
    }
}
