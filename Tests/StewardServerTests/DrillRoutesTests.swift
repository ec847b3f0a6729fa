import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardOps
import StewardServer
import StewardStore
import StewardTesting
import Testing

/// The drill routes through the router: no token, the wrong role, odd bodies and ids: clear 4xx JSON,
/// and no drill started (the fixture's jobs never run, so nothing is created either way).
struct DrillRoutesTests {
    /// The `drill.started` events in the fixture's log.
    static func startedDrills(_ fixture: AccessFixture) throws -> Int {
        try fixture.log.latestEvents(limit: 100, typePrefix: "drill.started", subjectPrefix: nil).count
    }

    /// Without a token both routes are 401; a viewer reads a drill but may not start one; an operator
    /// of staging only may not drill production.
    @Test func tokenAndRoleAreChecked() async throws {
        let fixture = try await AccessFixture()
        let before = try Self.startedDrills(fixture)
        try await MigrationRoutesTests.call(fixture, .post, "/api/v1/drills", token: nil, body: #"{"environment":"production"}"#) { status, _ in
            #expect(status == .unauthorized)
        }
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills/\(fixture.runningDrill)", token: nil) { status, _ in
            #expect(status == .unauthorized)
        }
        let viewer = try fixture.caller("vic", roles: ["viewer"])
        try await MigrationRoutesTests.call(fixture, .post, "/api/v1/drills", token: viewer, body: #"{"environment":"production"}"#) {
            status, message in
            #expect(status == .forbidden)
            #expect(message.contains("needs the role 'operator' in environment 'production'"), "\(message)")
        }
        let elsewhere = try fixture.caller("ola", roles: ["operator@development"])
        try await MigrationRoutesTests.call(fixture, .post, "/api/v1/drills", token: elsewhere, body: #"{"environment":"production"}"#) {
            status, _ in #expect(status == .forbidden)
        }
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills/\(fixture.runningDrill)", token: viewer) { status, text in
            #expect(status == .ok)
            #expect(text.contains(#""state":"running""#) && text.contains(#""environment":"development""#), "\(text)")
            #expect(text.contains(AccessFixture.developmentBackup), "the backup it restores: \(text)")
            #expect(!text.contains("postgres://"), "no URL in the answer: \(text)")
        }
        #expect(try Self.startedDrills(fixture) == before, "nothing was started")
    }

    /// The list comes from the log: the fixture's running drill of development, and nothing for production.
    @Test func drillsAreListedFromTheLog() async throws {
        let fixture = try await AccessFixture()
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills?environment=development", token: nil) { status, _ in
            #expect(status == .unauthorized)
        }
        let viewer = try fixture.caller("vic", roles: ["viewer"])
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills?environment=development", token: viewer) { status, text in
            #expect(status == .ok)
            let drills = try JSONDecoder.steward.decode([DrillSummary].self, from: Data(text.utf8))
            #expect(drills.map(\.id) == [fixture.runningDrill] && drills.first?.state == .running, "\(text)")
            #expect(drills.first?.startedAt != nil)
        }
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills?environment=production", token: viewer) { status, text in
            #expect(status == .ok && text == "[]", "\(text)")
        }
        let elsewhere = try fixture.caller("sam", roles: ["viewer@staging"])
        try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills?environment=development", token: elsewhere) { status, _ in
            #expect(status == .forbidden)
        }
        for query in ["limit=0", "limit=1001", "limit=x", "environment="] {
            try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills?\(query)", token: viewer) { status, _ in
                #expect(status == .badRequest, "\(query)")
            }
        }
    }

    /// Odd bodies and ids are refused with a message that says what and where; nothing starts.
    @Test func oddBodiesAndIdsAreRefused() async throws {
        let fixture = try await AccessFixture()
        let before = try Self.startedDrills(fixture)
        let ops = try fixture.caller("ops", roles: ["operator"])
        let cases: [(String, HTTPResponse.Status, String)] = [
            ("{}", .badRequest, "environment"),
            (#"{"environment":42}"#, .badRequest, "environment"),
            ("[]", .badRequest, "expected an object"),
            ("not json", .badRequest, "not valid JSON"),
            (#"{"environment":"qa"}"#, .notFound, "unknown environment 'qa'"),
            // The fixture's development drill still runs: one drill per environment at a time.
            (#"{"environment":"development"}"#, .conflict, "is still running"),
        ]
        for (body, expected, words) in cases {
            try await MigrationRoutesTests.call(fixture, .post, "/api/v1/drills", token: ops, body: body) { status, message in
                #expect(status == expected, "\(body): \(message)")
                #expect(message.contains(words), "\(body): \(message)")
            }
        }
        for id in ["nope", "20261126-093000-ABCDEF", "20261126-093000-000000"] {
            try await MigrationRoutesTests.call(fixture, .get, "/api/v1/drills/\(id)", token: ops) { status, message in
                #expect(status == .notFound, "\(id): \(message)")
                #expect(message.contains("no drill \(id)"), "\(message)")
            }
        }
        #expect(try Self.startedDrills(fixture) == before, "nothing was started")
    }

    /// An environment without a backup of every postgres dependency is refused before anything is recorded.
    @Test func drillWithoutABackupIsRefused() async throws {
        let fixture = try await AccessFixture()
        let ops = try fixture.caller("ops", roles: ["operator"])
        // Production has one; remove it from the store first.
        let backups = try #require(fixture.controlPlane.backupDirectory)
        try FileManager.default.removeItem(atPath: "\(backups)/\(AccessFixture.storedBackup).json")
        let before = try Self.startedDrills(fixture)
        try await MigrationRoutesTests.call(fixture, .post, "/api/v1/drills", token: ops, body: #"{"environment":"production"}"#) {
            status, message in
            #expect(status == .unprocessableContent)
            #expect(
                message == "no backup of db taken in production to restore; take one first: steward backup create db --env production",
                "\(message)")
        }
        #expect(try Self.startedDrills(fixture) == before)
    }
}
