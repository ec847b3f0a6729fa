import Foundation
import StewardStore
import Testing

struct StoreErrorTests {
    /// An error's description names its code, file and line, and never the values that were bound.
    @Test func descriptionKeepsBoundValuesOut() throws {
        let log = try EventLog.inMemory()
        let secretHash = EventHash.sha256Hex("st_do_not_print_me")
        try log.insertToken(name: "name-do-not-print", role: "admin", tokenHash: secretHash)
        let error = #expect(throws: StoreError.self) {
            try log.insertToken(name: "name-do-not-print", role: "admin", tokenHash: secretHash)
        }
        let description = try #require(error).description
        #expect(description.contains("A value that must be unique is already stored."))
        #expect(description.contains("EventLog+Tokens.swift"))
        #expect(description.contains("UNIQUE constraint failed"))
        #expect(!description.contains(secretHash))
        #expect(!description.contains("name-do-not-print"))
    }

    /// Errors compare by code only.
    @Test func errorsCompareByCode() {
        #expect(StoreError(.conflict, message: "a") == StoreError(.conflict, message: "b"))
        #expect(StoreError(.conflict) != StoreError(.appendOnly))
    }

    /// Opening a path whose directory cannot be created fails with `openFailed`.
    @Test func unopenablePathIsOpenFailed() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("steward-store-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("a-file")
        try Data("not a directory".utf8).write(to: file)

        let error = #expect(throws: StoreError.self) {
            _ = try EventLog.open(path: file.appendingPathComponent("steward.sqlite").path)
        }
        #expect(error?.code == .openFailed)
    }

    /// A file that is not a database fails to open with `openFailed`.
    @Test func garbageFileIsOpenFailed() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("steward-store-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("steward.sqlite")
        try Data(repeating: 0x5a, count: 8192).write(to: file)

        let error = #expect(throws: StoreError.self) {
            _ = try EventLog.open(path: file.path)
        }
        #expect(error?.code == .openFailed)
    }
}
