import Foundation

/// A step's JSON shape (in `stack.applied` and `runbook.started` payloads) mirrors the stack
/// file: `{"name":N, "run":[…], "env":{…}}` or `"http":{…}`, `"sql":{"dependency":D,
/// "statements":[…]}`, `"redis":{"dependency":D, "command":[…]}`, `"restart":S`,
/// `"scale":{"service":S, "instances":N}`, none of them for a gate; then `confirm`,
/// `stopOnFailure`, `when` (the condition's text) and `timeout`. Logs written before step
/// kinds existed (`run` only, no `timeout`) read as commands with the default timeout.
extension RunbookSpec.Step: Codable {
    enum CodingKeys: String, CodingKey {
        case name, run, env, http, sql, redis, restart, scale, confirm, stopOnFailure, when, timeout
    }

    struct SQLShape: Codable { var dependency: String; var statements: [String] }
    struct RedisShape: Codable { var dependency: String; var command: [String] }
    struct ScaleShape: Codable { var service: String; var instances: Int }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        if let run = try container.decodeIfPresent([String].self, forKey: .run) {
            action = .command(run, env: try container.decodeIfPresent([String: String].self, forKey: .env) ?? [:])
        } else if let http = try container.decodeIfPresent(RunbookSpec.HTTPRequest.self, forKey: .http) {
            action = .http(http)
        } else if let sql = try container.decodeIfPresent(SQLShape.self, forKey: .sql) {
            action = .sql(dependency: sql.dependency, statements: sql.statements)
        } else if let redis = try container.decodeIfPresent(RedisShape.self, forKey: .redis) {
            action = .redis(dependency: redis.dependency, command: redis.command)
        } else if let service = try container.decodeIfPresent(String.self, forKey: .restart) {
            action = .restart(service: service)
        } else if let scale = try container.decodeIfPresent(ScaleShape.self, forKey: .scale) {
            action = .scale(service: scale.service, instances: scale.instances)
        } else {
            action = .gate
        }
        confirm = try container.decodeIfPresent(Bool.self, forKey: .confirm) ?? false
        stopOnFailure = try container.decodeIfPresent(Bool.self, forKey: .stopOnFailure) ?? true
        if let text = try container.decodeIfPresent(String.self, forKey: .when) {
            do {
                condition = try RunbookCondition(parsing: text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .when, in: container, debugDescription: error.description)
            }
        } else {
            condition = nil
        }
        timeout = try container.decodeIfPresent(TimeSpan.self, forKey: .timeout) ?? Self.defaultTimeout
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch action {
        case .command(let argv, let env):
            try container.encode(argv, forKey: .run)
            if !env.isEmpty { try container.encode(env, forKey: .env) }
        case .http(let request):
            try container.encode(request, forKey: .http)
        case .sql(let dependency, let statements):
            try container.encode(SQLShape(dependency: dependency, statements: statements), forKey: .sql)
        case .redis(let dependency, let command):
            try container.encode(RedisShape(dependency: dependency, command: command), forKey: .redis)
        case .restart(let service):
            try container.encode(service, forKey: .restart)
        case .scale(let service, let instances):
            try container.encode(ScaleShape(service: service, instances: instances), forKey: .scale)
        case .gate:
            break
        }
        try container.encode(confirm, forKey: .confirm)
        try container.encode(stopOnFailure, forKey: .stopOnFailure)
        try container.encodeIfPresent(condition?.text, forKey: .when)
        try container.encode(timeout, forKey: .timeout)
    }
}
