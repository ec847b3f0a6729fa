import Foundation

extension StewardEvent {
    /// The event as the log stores it: a dotted type, a subject path and a JSON payload.
    public struct Encoded: Sendable, Equatable {
        public var type: String
        public var subject: String
        public var payload: Data
    }

    /// Encodes the event in its documented shape (`docs/events.md`), with sorted keys.
    ///
    /// - Throws: an `EncodingError` only if a value cannot be represented in JSON.
    public func encoded() throws -> Encoded {
        switch self {
        case .stackApplied(let value):
            return Encoded(type: "stack.applied", subject: "stack/\(value.spec.name)", payload: try PayloadCoding.encode(value))
        case .releaseCreated(let release):
            return Encoded(
                type: "release.created", subject: "release/\(release.number)",
                payload: try PayloadCoding.encode(ReleasePayload(release)))
        case .deploymentCreated(let deployment):
            return Encoded(
                type: "deployment.created", subject: "deployment/\(deployment.id)",
                payload: try PayloadCoding.encode(DeploymentPlanPayload(deployment)))
        case .deploymentStep(let id, let input, let result):
            return Encoded(
                type: "deployment.\(input.name)", subject: "deployment/\(id)",
                payload: try PayloadCoding.encode(DeploymentStepPayload(id: id, input: input, result: result)))
        case .deploymentFinished(let finished):
            return Encoded(
                type: "deployment.\(finished.phase.rawValue)", subject: "deployment/\(finished.id)",
                payload: try PayloadCoding.encode(DeploymentFinishedPayload(finished)))
        case .serviceStopped(let value):
            return Encoded(
                type: "service.stopped", subject: "service/\(value.target.service)/\(value.target.environment)",
                payload: try PayloadCoding.encode(value))
        case .instanceObserved(let value):
            return Encoded(
                type: "instance.\(value.change.rawValue)", subject: "instance/\(value.instanceID)",
                payload: try PayloadCoding.encode(InstanceObservationPayload(value)))
        case .dependencyObserved(let value):
            return Encoded(
                type: value.up ? "dependency.up" : "dependency.down", subject: "dependency/\(value.name)",
                payload: try PayloadCoding.encode(DependencyObservationPayload(value, standalone: true)))
        case .tokenCreated(let name, let role):
            return Encoded(
                type: "token.created", subject: "token/\(name)",
                payload: try PayloadCoding.encode(TokenCreatedPayload(name: name, role: role)))
        case .tokenIssued(let value):
            return Encoded(type: "token.created", subject: "token/\(value.id)", payload: try PayloadCoding.encode(value))
        case .tokenRevoked(let value):
            return Encoded(type: "token.revoked", subject: "token/\(value.token)", payload: try PayloadCoding.encode(value))
        case .userAdded(let value):
            return Encoded(type: "user.added", subject: "user/\(value.user)", payload: try PayloadCoding.encode(value))
        case .userRemoved(let value):
            return Encoded(type: "user.removed", subject: "user/\(value.user)", payload: try PayloadCoding.encode(value))
        case .secretChanged(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .runbook(let event):
            let payload = RunbookEventPayload(event)
            return Encoded(type: payload.type, subject: "runbook-run/\(event.run)", payload: try PayloadCoding.encode(payload))
        case .backup(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .migration(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .schedule(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .drill(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .mirror(let value):
            return Encoded(type: value.type, subject: value.subject, payload: try PayloadCoding.encode(value))
        case .controlPlaneStarted(let value):
            return Encoded(type: "controlplane.started", subject: "controlplane", payload: try PayloadCoding.encode(value))
        case .checkpoint(let value):
            return Encoded(type: EventFormat.checkpointType, subject: "checkpoint", payload: try PayloadCoding.encode(value))
        }
    }

    /// Reads a stored event, applying the version rules of ``EventFormat``.
    ///
    /// - Parameters:
    ///   - seq: The event's sequence number, to name it in errors and reports.
    ///   - type: The event's type.
    ///   - subject: The event's subject.
    ///   - payload: The event's JSON payload.
    /// - Returns: The event, or a report that an informational event this code does not know was skipped.
    /// - Throws: ``EventFormatError`` when the event cannot be folded: its type or version is newer
    ///   than this code knows and it is not informational, it has no version, or its payload does
    ///   not have the documented shape.
    public static func decode(seq: Int64, type: String, subject: String, payload: Data) throws -> DecodedEvent {
        let header: PayloadHeader
        do {
            header = try JSONDecoder().decode(PayloadHeader.self, from: payload)
        } catch {
            throw EventFormatError(
                seq: seq, type: type, neededVersion: nil,
                message: "event \(seq) (\(type)) has a payload that is not a JSON object: the log is damaged")
        }
        let informational = header.informational == true
        guard let supported = EventFormat.supportedVersions[type] else {
            let written = header.v.map { " in event format v\($0)" } ?? ""
            if informational {
                return .skipped(
                    SkippedEvent(seq: seq, type: type, reason: "informational event type unknown to this version\(written)"))
            }
            throw EventFormatError(
                seq: seq, type: type, neededVersion: header.v,
                message: "event \(seq) has the type '\(type)', which this version of Steward does not know (written"
                    + "\(written) by a newer Steward); upgrade Steward to read this log")
        }
        guard let version = header.v, version >= 1 else {
            throw EventFormatError(
                seq: seq, type: type, neededVersion: nil,
                message: "event \(seq) (\(type)) has no valid format version ('v'): it was written before the "
                    + "log format was fixed at v1 and cannot be read")
        }
        guard version <= supported else {
            if informational {
                return .skipped(
                    SkippedEvent(seq: seq, type: type, reason: "written in format v\(version); this version reads up to v\(supported)"))
            }
            throw EventFormatError(
                seq: seq, type: type, neededVersion: version,
                message: "event \(seq) (\(type)) is written in event format v\(version), but this version of "
                    + "Steward reads \(type) up to v\(supported); upgrade Steward to read this log")
        }
        do {
            return .event(try decodeKnown(type: type, subject: subject, payload: payload))
        } catch {
            throw EventFormatError(
                seq: seq, type: type, neededVersion: version,
                message: "event \(seq) (\(type)) does not have the documented v\(version) shape: \(Self.describe(error))")
        }
    }

    private static func decodeKnown(type: String, subject: String, payload: Data) throws -> StewardEvent {
        let parts = type.split(separator: ".", maxSplits: 1).map(String.init)
        let (family, name) = (parts[0], parts.count > 1 ? parts[1] : "")
        switch type {
        case "stack.applied":
            return .stackApplied(try PayloadCoding.decode(StackApplied.self, from: payload))
        case "release.created":
            return .releaseCreated(try PayloadCoding.decode(ReleasePayload.self, from: payload).release)
        case "deployment.created":
            return .deploymentCreated(try PayloadCoding.decode(DeploymentPlanPayload.self, from: payload).deployment)
        case "deployment.succeeded", "deployment.failed":
            let phase: Deployment.Phase = name == "succeeded" ? .succeeded : .failed
            return .deploymentFinished(try PayloadCoding.decode(DeploymentFinishedPayload.self, from: payload).finished(phase))
        case "service.stopped":
            return .serviceStopped(try PayloadCoding.decode(ServiceStopped.self, from: payload))
        case "token.created" where (try? PayloadCoding.decode(UserField.self, from: payload))?.user != nil:
            return .tokenIssued(try PayloadCoding.decode(TokenIssued.self, from: payload))
        case "token.revoked":
            return .tokenRevoked(try PayloadCoding.decode(TokenRevoked.self, from: payload))
        case "user.added":
            return .userAdded(try PayloadCoding.decode(UserAdded.self, from: payload))
        case "user.removed":
            return .userRemoved(try PayloadCoding.decode(UserRemoved.self, from: payload))
        case "token.created":
            let value = try PayloadCoding.decode(TokenCreatedPayload.self, from: payload)
            return .tokenCreated(name: value.name, role: value.role)
        case "secret.set", "secret.rotated", "secret.removed":
            var value = try PayloadCoding.decode(SecretChanged.self, from: payload)
            value.change = SecretChanged.Change(rawValue: name) ?? .set
            return .secretChanged(value)
        case "controlplane.started":
            return .controlPlaneStarted(try PayloadCoding.decode(ControlPlaneStarted.self, from: payload))
        case EventFormat.checkpointType:
            return .checkpoint(try PayloadCoding.decode(StateCheckpoint.self, from: payload))
        default:
            break
        }
        switch family {
        case "backup":
            guard let change = BackupEvent.Change(rawValue: name) else { break }
            var value = try PayloadCoding.decode(BackupEvent.self, from: payload)
            value.change = change
            return .backup(value)
        case "migration":
            guard let change = MigrationEvent.Change(rawValue: name) else { break }
            var value = try PayloadCoding.decode(MigrationEvent.self, from: payload)
            value.change = change
            return .migration(value)
        case "drill":
            guard let change = DrillEvent.Change(rawValue: name) else { break }
            var value = try PayloadCoding.decode(DrillEvent.self, from: payload)
            value.change = change
            return .drill(value)
        case "mirror":
            guard let change = MirrorEvent.Change(rawValue: name) else { break }
            var value = try PayloadCoding.decode(MirrorEvent.self, from: payload)
            value.change = change
            return .mirror(value)
        case "schedule":
            guard let change = ScheduleEvent.Change(rawValue: name) else { break }
            return .schedule(try PayloadCoding.decode(ScheduleEvent.self, from: payload).validated(as: change))
        case "runbook":
            return .runbook(try RunbookEventPayload.decode(type: type, from: payload))
        case "deployment":
            let step = try PayloadCoding.decode(DeploymentStepPayload.self, from: payload)
            return .deploymentStep(id: step.deployment, try step.input(named: name), result: step.result)
        case "instance":
            guard let change = InstanceObservation.Change(rawValue: name) else { break }
            return .instanceObserved(try PayloadCoding.decode(InstanceObservationPayload.self, from: payload).observation(change))
        case "dependency":
            let value = try PayloadCoding.decode(DependencyObservationPayload.self, from: payload).observation
            return .dependencyObserved(DependencyObservation(name: value.name, up: name == "up", message: value.message))
        default:
            break
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no decoder for '\(type)'"))
    }

    /// The `user` field of a `token.created` payload: present since tokens belong to users.
    private struct UserField: Decodable { var user: String? }

    /// A short, readable account of a decoding error: the key path and what was wrong.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "expected \(type)\(path(context)), found null"
        case .dataCorrupted(let context): return context.debugDescription + path(context)
        @unknown default: return "\(error)"
        }
    }
}
