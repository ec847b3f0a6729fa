import Foundation

extension StewardEvent {
    /// The event as the log stores it: a dotted type, a subject path and a JSON payload.
    public struct Encoded: Sendable, Equatable {
        public var type: String
        public var subject: String
        public var payload: Data
    }

    /// Encodes the event for the log.
    public func encoded() throws -> Encoded {
        let encoder = JSONEncoder.steward
        switch self {
        case .stackApplied(let value):
            return Encoded(type: "stack.applied", subject: "stack/\(value.spec.name)", payload: try encoder.encode(value))
        case .releaseCreated(let value):
            return Encoded(type: "release.created", subject: "release/\(value.number)", payload: try encoder.encode(value))
        case .deploymentCreated(let value):
            return Encoded(type: "deployment.created", subject: "deployment/\(value.id)", payload: try encoder.encode(value))
        case .deploymentInput(let id, let input):
            return Encoded(type: "deployment.\(input.name)", subject: "deployment/\(id)", payload: try encoder.encode(input))
        case .deploymentFinished(let id, let phase, let reason):
            return Encoded(
                type: "deployment.\(phase.rawValue)", subject: "deployment/\(id)",
                payload: try encoder.encode(FinishedPayload(phase: phase, reason: reason)))
        case .instanceObserved(let value):
            return Encoded(
                type: "instance.\(value.change.rawValue)", subject: "instance/\(value.instanceID)",
                payload: try encoder.encode(value))
        case .dependencyObserved(let value):
            return Encoded(
                type: value.up ? "dependency.up" : "dependency.down", subject: "dependency/\(value.name)",
                payload: try encoder.encode(value))
        case .tokenCreated(let name, let role):
            return Encoded(
                type: "token.created", subject: "token/\(name)", payload: try encoder.encode(["name": name, "role": role]))
        case .controlPlaneStarted(let value):
            return Encoded(type: "controlplane.started", subject: "controlplane", payload: try encoder.encode(value))
        }
    }

    /// Decodes a stored event; nil for types this version does not know (written by a newer one).
    public static func decode(type: String, subject: String, payload: Data) throws -> StewardEvent? {
        let decoder = JSONDecoder.steward
        switch type {
        case "stack.applied": return .stackApplied(try decoder.decode(StackApplied.self, from: payload))
        case "release.created": return .releaseCreated(try decoder.decode(Release.self, from: payload))
        case "deployment.created": return .deploymentCreated(try decoder.decode(Deployment.self, from: payload))
        case "deployment.succeeded", "deployment.failed":
            let value = try decoder.decode(FinishedPayload.self, from: payload)
            return .deploymentFinished(id: try deploymentID(subject), phase: value.phase, reason: value.reason)
        case _ where type.hasPrefix("deployment."):
            return .deploymentInput(id: try deploymentID(subject), try decoder.decode(Deployment.Input.self, from: payload))
        case _ where type.hasPrefix("instance."):
            return .instanceObserved(try decoder.decode(InstanceObservation.self, from: payload))
        case "dependency.up", "dependency.down":
            return .dependencyObserved(try decoder.decode(DependencyObservation.self, from: payload))
        case "token.created":
            let value = try decoder.decode([String: String].self, from: payload)
            return .tokenCreated(name: value["name"] ?? "", role: value["role"] ?? "")
        case "controlplane.started":
            return .controlPlaneStarted(try decoder.decode(ControlPlaneStarted.self, from: payload))
        default:
            return nil
        }
    }

    private struct FinishedPayload: Codable {
        var phase: Deployment.Phase
        var reason: String?
    }

    private static func deploymentID(_ subject: String) throws -> Int {
        guard let id = Int(subject.split(separator: "/").last ?? "") else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "bad deployment subject '\(subject)'"))
        }
        return id
    }
}

extension Deployment.Input {
    /// The input's name in event types: `deployment.instance-ready`.
    public var name: String {
        switch self {
        case .start: "started"
        case .instanceReady: "instance-ready"
        case .instanceFailed: "instance-failed"
        case .instanceStopped: "instance-stopped"
        case .deadlinePassed: "deadline-passed"
        case .abort: "aborted"
        }
    }
}
