import Foundation
import StewardCore
import StewardStore

/// The golden log committed beside the tests, and the state summary it must fold to.
///
/// `Golden/golden-v1.jsonl` holds one stored event per line, exactly as the store keeps it (the
/// payload as its JSON text, so its bytes and hashes are reproduced); `Golden/golden-v1.state.json`
/// holds ``summary(of:)`` of its fold. Both are generated once and never edited.
enum GoldenLog {
    /// One line of the golden file.
    struct Line: Codable {
        var seq: Int64
        var timeMs: Int64
        var type: String
        var subject: String
        var actor: String
        var payload: String
        var previousHash: String
        var hash: String
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let logURL = directory.appendingPathComponent("golden-v1.jsonl")
    static let stateURL = directory.appendingPathComponent("golden-v1.state.json")

    /// Reads the golden events.
    static func read() throws -> [EventRecord] {
        let text = try String(contentsOf: logURL, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let value = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
            return EventRecord(
                seq: value.seq, time: EventHash.date(milliseconds: value.timeMs), type: value.type,
                subject: value.subject, actor: value.actor, payload: Data(value.payload.utf8),
                previousHash: value.previousHash, hash: value.hash)
        }
    }

    /// Writes the golden events (only when regenerating).
    static func write(_ records: [EventRecord]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let lines = try records.map { record in
            let line = Line(
                seq: record.seq, timeMs: EventHash.milliseconds(of: record.time), type: record.type,
                subject: record.subject, actor: record.actor, payload: String(decoding: record.payload, as: UTF8.self),
                previousHash: record.previousHash, hash: record.hash)
            return String(decoding: try encoder.encode(line), as: UTF8.self)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (lines.joined(separator: "\n") + "\n").write(to: logURL, atomically: true, encoding: .utf8)
    }

    /// The golden events as events to append to a new log.
    static func newEvents(_ records: [EventRecord]) -> [NewEvent] {
        records.map { NewEvent(type: $0.type, subject: $0.subject, actor: $0.actor, time: $0.time, payload: $0.payload) }
    }

    /// A stable, readable account of everything the fold decides, for comparison across versions.
    static func summary(of state: StackState) throws -> String {
        let iso = { (date: Date?) -> Any in date.map(StewardDate.format) ?? NSNull() }
        let releases: [[String: Any]] = state.releases.keys.sorted().compactMap { state.releases[$0] }.map {
            [
                "number": $0.number, "service": $0.service, "environment": $0.environment, "version": $0.version,
                "overrides": $0.overrides, "instances": $0.spec.instances, "command": $0.spec.command,
                "createdBy": $0.createdBy, "createdAt": iso($0.createdAt),
            ]
        }
        let deployments: [[String: Any]] = state.deployments.keys.sorted().compactMap { state.deployments[$0] }.map {
            [
                "id": $0.id, "kind": $0.kind.rawValue, "target": $0.target.description, "release": $0.release,
                "previousRelease": $0.previousRelease ?? NSNull(), "phase": $0.phase.rawValue, "batch": $0.batch,
                "ready": $0.ready.sorted(), "stopped": $0.stopped.sorted(), "retired": $0.retired,
                "reason": $0.reason ?? NSNull(), "requestedBy": $0.requestedBy, "startedAt": iso($0.startedAt),
                "finishedAt": iso($0.finishedAt), "deadline": iso($0.deadline),
            ]
        }
        var current: [String: Any] = [:]
        for (target, release) in state.current { current[target.description] = release }
        var instances: [String: Any] = [:]
        for (id, observation) in state.instances {
            instances[id] = ["change": observation.change.rawValue, "message": observation.message]
        }
        var dependencies: [String: Any] = [:]
        for (name, observation) in state.dependencies { dependencies[name] = ["up": observation.up, "message": observation.message] }
        let summary: [String: Any] = [
            "stack": state.stack?.name ?? NSNull(), "stackDigest": state.stackDigest ?? NSNull(),
            "services": state.stack?.services.map(\.name) ?? [], "releases": releases, "current": current,
            "deployments": deployments, "instances": instances, "dependencies": dependencies,
            "wantedInstances": state.wantedInstances.mapValues { $0 },
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
