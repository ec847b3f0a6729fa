import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StewardCore
import StewardRuntime
import StewardTesting
import Testing

@testable import StewardOps

/// `GET /api/v1/backups/{id}` as a conditional GET and a long poll (`ETag`, `If-None-Match`,
/// `waitMs`): what `steward backup create --wait` follows a backup with.
struct BackupLongPollTests {
    typealias Fixture = APIRoutesTests.Fixture

    static let id = "20261126-120000-abcdef"
    static let written: Int64 = 512 * 1024

    static func running() -> BackupOperation {
        BackupOperation(kind: .create, backup: id, environment: "production", dependency: "db", startedBy: "alice", startedAt: Date())
    }

    /// A fixture whose control plane keeps backups in a new temporary folder and runs backup ``id``.
    static func fixtureWithARunningBackup() async throws -> (Fixture, TemporaryDirectory) {
        let directory = try TemporaryDirectory(prefix: "backup-long-poll")
        let fixture = try await Fixture(backupDirectory: directory.path + "/backups")
        await fixture.controlPlane.setBackupOperation(running())
        return (fixture, directory)
    }

    static func headers(_ fixture: Fixture, ifNoneMatch tag: String) -> HTTPFields {
        var headers = fixture.auth
        headers[.ifNoneMatch] = tag
        return headers
    }

    /// The backup's ETag as the API gives it now.
    static func tag(_ client: some TestClientProtocol, _ fixture: Fixture) async throws -> String {
        try await client.execute(uri: "/api/v1/backups/\(id)", method: .get, headers: fixture.auth) { response in
            #expect(response.status == .ok)
            return try #require(response.headers[.eTag])
        }
    }

    /// A matching tag gives 304; the byte count is part of the representation, so progress gives a new tag.
    @Test func matchingTagIsNotModifiedAndProgressIsANewTag() async throws {
        let (fixture, directory) = try await Self.fixtureWithARunningBackup()
        defer { directory.remove() }
        try await fixture.application.test(.router) { client in
            let tag = try await Self.tag(client, fixture)
            try await client.execute(uri: "/api/v1/backups/\(Self.id)?waitMs=20", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) {
                #expect($0.status == .notModified)
                #expect($0.headers[.eTag] == tag)
            }
            await fixture.controlPlane.noteBackupBytes(Self.id, Self.written)
            try await client.execute(uri: "/api/v1/backups/\(Self.id)", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != tag)
                let view = try JSONDecoder.steward.decode(BackupView.self, from: APIRoutesTests.bytes(response.body))
                #expect(view.operation?.bytes == Self.written)
            }
        }
    }

    /// A waiting poll sleeps through byte counts and answers when the operation ends.
    @Test func waitingPollAnswersWhenTheOperationEndsNotOnProgress() async throws {
        let (fixture, directory) = try await Self.fixtureWithARunningBackup()
        defer { directory.remove() }
        try await fixture.application.test(.router) { client in
            let tag = try await Self.tag(client, fixture)
            let changes = fixture.controlPlane.backupChanges
            let waitersBefore = changes.waiting
            async let answered: (HTTPResponse.Status, BackupView?) = client.execute(
                uri: "/api/v1/backups/\(Self.id)?waitMs=60000", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)
            ) { response in
                (response.status, try? JSONDecoder.steward.decode(BackupView.self, from: APIRoutesTests.bytes(response.body)))
            }
            try await eventually("the long poll waits") { changes.waiting > waitersBefore }
            let generation = changes.generation
            await fixture.controlPlane.noteBackupBytes(Self.id, Self.written)
            // Progress does not move the counter, so the poll still waits (a wake-up removes every waiter).
            #expect(changes.generation == generation)
            #expect(changes.waiting > waitersBefore)
            await fixture.controlPlane.finishBackupOperation(Self.id)
            let (status, view) = try await answered
            #expect(status == .ok)
            #expect(view?.operation?.state == .succeeded)
            #expect(view?.operation?.bytes == Self.written)
        }
    }

    @Test func oddWaitsUnknownBackupsAndMissingTokensAreRefused() async throws {
        let (fixture, directory) = try await Self.fixtureWithARunningBackup()
        defer { directory.remove() }
        try await fixture.application.test(.router) { client in
            let tag = try await Self.tag(client, fixture)
            for query in ["waitMs=-1", "waitMs=60001", "waitMs=abc", "waitMs="] {
                try await client.execute(uri: "/api/v1/backups/\(Self.id)?\(query)", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)) {
                    #expect($0.status == .badRequest, "\(query)")
                }
            }
            try await client.execute(
                uri: "/api/v1/backups/20261126-120000-000000?waitMs=60000", method: .get, headers: Self.headers(fixture, ifNoneMatch: tag)
            ) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/backups/\(Self.id)?waitMs=10", method: .get, headers: [.ifNoneMatch: tag]) {
                #expect($0.status == .unauthorized)
            }
        }
    }
}

extension ControlPlane {
    fileprivate func setBackupOperation(_ operation: BackupOperation) {
        backupOperations[operation.backup] = operation
    }

    fileprivate func finishBackupOperation(_ id: String) {
        backupOperations[id]?.state = .succeeded
        backupOperations[id]?.finishedAt = Date()
    }
}
