import Foundation
import StewardStore
import Testing

struct EventLogReadTests {
    private func seededLog(_ backend: Backend) throws -> StoreFixture {
        let fixture = try StoreFixture(backend)
        try fixture.log.append([
            TestEvents.make(1, type: "deployment.started", subject: "service/api/production"),
            TestEvents.make(2, type: "deployment.finished", subject: "service/api/production"),
            TestEvents.make(3, type: "backup.created", subject: "database/main"),
            TestEvents.make(4, type: "deployment.started", subject: "service/web/staging"),
            TestEvents.make(5, type: "deploymentX", subject: "service/api*/odd"),
            TestEvents.make(6, type: "Deployment.started", subject: "service/apix"),
            TestEvents.make(7, type: "deployment.created", subject: "deployment/1"),
            TestEvents.make(8, type: "deployment.created", subject: "deployment/10"),
        ])
        return fixture
    }

    /// `events(after:limit:)` pages forward in ascending seq order.
    @Test(arguments: Backend.allCases)
    func eventsAfterPagesForward(backend: Backend) throws {
        let fixture = try seededLog(backend)
        #expect(try fixture.log.events().map(\.seq) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try fixture.log.events(after: 2, limit: 2).map(\.seq) == [3, 4])
        #expect(try fixture.log.events(after: 8).isEmpty)
        #expect(try fixture.log.events(limit: 0).isEmpty)
    }

    /// Type prefixes match exactly; subjects match whole path segments (`deployment/1` never
    /// matches `deployment/10`); both case-sensitive, with `*`, `?` and `[` taken literally.
    @Test(arguments: Backend.allCases)
    func prefixesMatchExactly(backend: Backend) throws {
        let fixture = try seededLog(backend)
        #expect(try fixture.log.events(typePrefix: "deployment.").map(\.seq) == [1, 2, 4, 7, 8])
        #expect(try fixture.log.events(typePrefix: "deployment").map(\.seq) == [1, 2, 4, 5, 7, 8])
        #expect(try fixture.log.events(subjectPrefix: "service/api/").map(\.seq) == [1, 2])
        #expect(try fixture.log.events(subjectPrefix: "service/api").map(\.seq) == [1, 2])
        #expect(try fixture.log.events(subjectPrefix: "service/api*").map(\.seq) == [5])
        #expect(try fixture.log.events(subjectPrefix: "deployment/1").map(\.seq) == [7])
        #expect(try fixture.log.events(subjectPrefix: "deployment/10").map(\.seq) == [8])
        #expect(try fixture.log.events(subjectPrefix: "deployment").map(\.seq) == [7, 8])
        #expect(try fixture.log.events(subjectPrefix: "service/ap?").isEmpty)
        #expect(try fixture.log.events(subjectPrefix: "service/[a]").isEmpty)
        #expect(
            try fixture.log.events(typePrefix: "deployment.", subjectPrefix: "service/api/").map(\.seq) == [1, 2]
        )
        #expect(try fixture.log.events(after: 1, typePrefix: "deployment.").map(\.seq) == [2, 4, 7, 8])
    }

    /// `latestEvents` returns the newest events first, filtered the same way.
    @Test(arguments: Backend.allCases)
    func latestEventsAreNewestFirst(backend: Backend) throws {
        let fixture = try seededLog(backend)
        #expect(try fixture.log.latestEvents(limit: 2).map(\.seq) == [8, 7])
        #expect(try fixture.log.latestEvents(limit: 10, typePrefix: "deployment.").map(\.seq) == [8, 7, 4, 2, 1])
        #expect(try fixture.log.latestEvents(limit: 1, subjectPrefix: "service/api/").map(\.seq) == [2])
        #expect(try fixture.log.latestEvents(limit: 0).isEmpty)
    }
}
