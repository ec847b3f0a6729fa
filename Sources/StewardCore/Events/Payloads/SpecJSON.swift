import Foundation
import Synchronization

/// The documented log shape of stack-model values embedded in payloads (the `spec` fields).
///
/// The stack model (`StackSpec`, `ServiceSpec`) is written with its own keys, with three rules
/// that make it a plain, documented JSON shape instead of Swift's synthesized enum encoding:
/// - a probe check is `{"http": {…}}`, `{"tcp": {"port": N}}`, `{"exec": {"command": […]}}`,
///   `{"postgres": {"url": U}}` or `{"redis": {"url": U}}` (never `{"http": {"_0": {…}}}`);
/// - a canary step is `{"weight": N}`, `{"pause": "5m"}` or `{"pause": null}` (until promoted),
///   or `{"analysis": [rule…]}`;
/// - an HTTP check's passing statuses are `"expectStatus": {"lowest": 200, "highest": 399}`.
/// Durations are strings such as `30s`; keys are sorted.
enum SpecJSON {
    /// The log shape of a model value.
    ///
    /// The shape of the value converted last is kept: each deployment records its release with the
    /// service's definition, which rarely changes between deployments, and the conversion (encode,
    /// parse, rewrite) is the costliest part of recording one. The result depends on the value
    /// alone, so reusing it changes no byte of the log.
    static func encode<Value: Encodable & Equatable & Sendable>(_ value: Value) throws -> JSONValue {
        if let last = lastEncoded.withLock({ $0 }), let lastValue = last.value as? Value, lastValue == value {
            return last.tree
        }
        let tree = toLog(try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder.steward.encode(value)), key: nil)
        lastEncoded.withLock { $0 = (value, tree) }
        return tree
    }

    private static let lastEncoded = Mutex<(value: any Sendable, tree: JSONValue)?>(nil)

    /// A model value from its log shape.
    static func decode<Value: Decodable>(_ type: Value.Type, from tree: JSONValue) throws -> Value {
        let model = fromLog(tree, key: nil)
        return try JSONDecoder.steward.decode(type, from: try JSONEncoder().encode(model))
    }

    private static let canaryCases: Set<String> = ["weight", "pause", "analysis"]

    private static func toLog(_ value: JSONValue, key: String?) -> JSONValue {
        switch value {
        case .object(let fields):
            if fields.count == 1, let only = fields["_0"] { return toLog(only, key: key) }
            if key == "pause", fields.isEmpty { return .null }
            return .object(fields.reduce(into: [:]) { result, field in result[field.key] = toLog(field.value, key: field.key) })
        case .array(let items):
            if key == "expectStatus", items.count == 2 {
                return .object(["lowest": items[0], "highest": items[1]])
            }
            return .array(items.map { toLog($0, key: key) })
        default:
            return value
        }
    }

    private static func fromLog(_ value: JSONValue, key: String?) -> JSONValue {
        switch value {
        case .object(let fields):
            if key == "expectStatus", let lowest = fields["lowest"], let highest = fields["highest"] {
                return .array([lowest, highest])
            }
            var converted = fields.reduce(into: [String: JSONValue]()) { result, field in
                result[field.key] = fromLog(field.value, key: field.key)
            }
            if fields.count == 1, let (name, inner) = converted.first {
                if key == "check", name == "http" {
                    converted[name] = .object(["_0": inner])
                } else if key == "steps", canaryCases.contains(name) {
                    converted[name] = inner == .null ? .object([:]) : .object(["_0": inner])
                }
            }
            return .object(converted)
        case .array(let items):
            return .array(items.map { fromLog($0, key: key) })
        default:
            return value
        }
    }
}
