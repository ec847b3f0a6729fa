import Foundation
import Hummingbird
import StewardCore
import StewardHTTP
import StewardOps
import StewardRuntime
import StewardStore

extension APIRoutes {
    static func addReadRoutes(to api: RouterGroup<StewardRequestContext>, controlPlane: ControlPlane) {
        let log = controlPlane.log
        api.get("/status") { _, _ in
            try JSONAnswer.response(
                StatusView(
                    state: await controlPlane.state, snapshot: await controlPlane.agentSnapshot,
                    agentURL: controlPlane.agent.baseURL, reachable: await controlPlane.agentReachable,
                    lastEvent: try log.lastSequence()))
        }
        api.get("/stack") { _, _ in
            guard let stack = await controlPlane.state.stack else { throw APIError.notFound("no stack is loaded") }
            return try JSONAnswer.response(stack)
        }
        api.get("/services") { _, _ in
            try JSONAnswer.response(await controlPlane.state.stack?.services ?? [])
        }
        api.get("/services/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let service = await controlPlane.state.stack?.service(named: name) else {
                throw APIError.notFound("no service '\(name)'")
            }
            return try JSONAnswer.response(service)
        }
        api.get("/environments") { _, _ in
            try JSONAnswer.response(await controlPlane.state.stack?.environments ?? [])
        }
        api.get("/releases") { request, _ in
            let service = try request.textParameter("service")
            let environment = try request.textParameter("environment")
            let state = await controlPlane.state
            let releases = state.releases.values
                .filter { service == nil || $0.service == service }
                .filter { environment == nil || $0.environment == environment }
                .sorted { $0.number > $1.number }
                .map { ReleaseView(release: $0, serving: state.current[ServiceEnvironment(service: $0.service, environment: $0.environment)] == $0.number) }
            return try JSONAnswer.response(releases)
        }
        api.get("/deployments") { request, _ in
            let limit = try request.integerParameter("limit", in: 1...1000) ?? 50
            let deployments = controlPlane.recordedState.deployments.values.sorted { $0.id > $1.id }.prefix(limit)
            return try JSONAnswer.response(Array(deployments))
        }
        api.get("/deployments/:id") { request, context in
            let id = try context.parameters.require("id", as: Int.self)
            // `If-None-Match` with `waitMs`: a long poll that answers when the deployment changes.
            let changes = controlPlane.changes
            return try await ConditionalAnswer.response(
                to: request, generation: { changes.generation },
                waitForChange: { await changes.wait(after: $0, timeout: $1) }
            ) {
                guard let deployment = controlPlane.recordedState.deployments[id] else {
                    throw APIError.notFound("no deployment \(id)")
                }
                let ruleFailed = try deployment.phase == .failed && deployment.rollout != nil && ruleFailed(id, in: log)
                return DeploymentAnswer(deployment: deployment, ruleFailed: ruleFailed)
            }
        }
        api.get("/instances") { request, _ in
            let service = try request.textParameter("service")
            let environment = try request.textParameter("environment")
            let instances = (await controlPlane.agentSnapshot?.instances ?? [])
                .filter { service == nil || $0.spec.service == service }
                .filter { environment == nil || $0.spec.environment == environment }
            let releases = await controlPlane.state.releases
            return try JSONAnswer.response(instances.map { InstanceView($0, release: releases[$0.spec.release]) })
        }
        api.get("/events") { request, _ in
            let after = try request.integerParameter("after", in: Int64(0)...9_007_199_254_740_991)
            let limit = try request.integerParameter("limit", in: 1...1000) ?? 100
            let type = try request.textParameter("type")
            let subject = try request.textParameter("subject")
            let records = try after.map { try log.events(after: $0, limit: limit, typePrefix: type, subjectPrefix: subject) }
                ?? log.latestEvents(limit: limit, typePrefix: type, subjectPrefix: subject).reversed()
            return try JSONAnswer.response(records.map(EventView.init))
        }
        api.get("/audit/verify") { _, _ in
            try JSONAnswer.response(try log.verify())
        }
        api.get("/services/:name/logs") { request, context in
            let name = try context.parameters.require("name")
            guard let environment = try request.textParameter("environment") else {
                throw APIError.badRequest("missing query parameter 'environment'")
            }
            let offsets = try request.textParameter("offsets", maxLength: 4096).map(LogCursor.decode) ?? [:]
            let tail = try request.integerParameter("tail", in: 0...(1 << 20)) ?? 8192
            let instances = (await controlPlane.agentSnapshot?.instances ?? [])
                .filter { $0.spec.service == name && $0.spec.environment == environment }
            guard !instances.isEmpty else { throw APIError.notFound("no instances of \(name) in \(environment)") }
            var chunks: [LogChunk] = []
            for instance in instances {
                let chunk = try await controlPlane.agent.log(instance.id, offset: offsets[instance.id] ?? -tail)
                chunks.append(chunk)
            }
            return try JSONAnswer.response(chunks)
        }
    }
}

/// An event as the API shows it, with its payload as JSON rather than bytes.
struct EventView: Encodable {
    var seq: Int64
    var time: Date
    var type: String
    var subject: String
    var actor: String
    var hash: String
    var payload: JSONValue

    init(_ record: EventRecord) {
        seq = record.seq
        time = record.time
        type = record.type
        subject = record.subject
        actor = record.actor
        hash = record.hash
        payload = (try? JSONDecoder().decode(JSONValue.self, from: record.payload)) ?? .null
    }
}

/// A release and whether it serves now.
struct ReleaseView: Encodable {
    var release: Release
    var serving: Bool
}

/// Log offsets per instance, passed as `id:offset,id:offset` so `steward logs -f` can continue.
enum LogCursor {
    static func decode(_ text: String) -> [String: Int] {
        var offsets: [String: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            if parts.count == 2, let offset = Int(parts[1]) { offsets[String(parts[0])] = offset }
        }
        return offsets
    }
}
