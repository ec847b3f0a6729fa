import Foundation
import StewardCore
import StewardHTTP

/// The OpenAPI 3.1 description of the control plane's API, served at `/api/v1/openapi.json`.
///
/// Operations are declared once in ``operations``; the answers every operation can give
/// (401 without a token, 403 without the role, 400 for a bad parameter, 413/415 for a bad body, 405 for another
/// method) are added from what the operation declares, so the document says exactly what
/// the server answers. `OpenAPIDocumentTests` holds the router's routes against it.
enum OpenAPIDocument {
    /// One API operation.
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var open = false
        var parameters: [[String: Any]] = []
        var body: (type: String, schema: [String: Any], required: Bool)? = nil
        /// Success and refusal statuses besides the common ones, with a description each.
        var responses: [Int: String]
        /// The schema of the success answer, when it has one worth checking.
        var answer: [String: Any]? = nil
    }

    static func path(_ name: String, _ schema: [String: Any]) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "schema": schema]
    }

    static func query(_ name: String, _ schema: [String: Any], required: Bool = false) -> [String: Any] {
        ["name": name, "in": "query", "required": required, "schema": schema]
    }

    static func header(_ name: String, _ schema: [String: Any]) -> [String: Any] {
        ["name": name, "in": "header", "required": false, "schema": schema]
    }

    /// The parameters of a long poll (``ConditionalAnswer``): `waitMs` and `If-None-Match`.
    static var longPoll: [[String: Any]] {
        [
            query("waitMs", ["type": "integer", "minimum": 0, "maximum": ConditionalAnswer.maximumWait]),
            header("If-None-Match", ["type": "string", "maxLength": 256]),
        ]
    }

    static var text: [String: Any] { ["type": "string", "minLength": 1, "maxLength": 256] }
    static var id: [String: Any] { ["type": "integer", "minimum": 0, "maximum": 2_147_483_647] }
    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    static func list(_ item: [String: Any]) -> [String: Any] { ["type": "array", "items": item] }
    static var object: [String: Any] { ["type": "object"] }

    static var operations: [Operation] {
        [
        Operation(method: "get", path: "/healthz", summary: "Liveness of the control plane", open: true, responses: [200: "alive"]),
        Operation(
            method: "get", path: "/readyz", summary: "Readiness: the store answers", open: true,
            responses: [200: "ready", 503: "not ready"]),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics (text format 0.0.4)", open: true, responses: [200: "metrics"]),
        Operation(method: "get", path: "/", summary: "The dashboard (HTML)", open: true, responses: [200: "page"]),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document", open: true, responses: [200: "OpenAPI"]),
        Operation(method: "get", path: "/api/v1/status", summary: "Every service in every environment", responses: [200: "status"], answer: object),
        Operation(method: "get", path: "/api/v1/stack", summary: "The stack in force", responses: [200: "stack", 404: "no stack is loaded"]),
        Operation(
            method: "put", path: "/api/v1/stack", summary: "Validate and apply a stack file (YAML body)",
            parameters: [query("file", text)], body: ("application/yaml", ["type": "string"], true),
            responses: [200: "applied, with warnings for keys this version does not enforce", 422: "the stack file has problems (details carry line and column)"],
            answer: ["type": "object", "required": ["stack", "digest", "warnings"]]),
        Operation(method: "get", path: "/api/v1/services", summary: "Services of the stack", responses: [200: "services"], answer: list(object)),
        Operation(
            method: "get", path: "/api/v1/services/{name}", summary: "One service", parameters: [path("name", text)],
            responses: [200: "service", 404: "no such service"]),
        Operation(
            method: "get", path: "/api/v1/services/{name}/logs", summary: "Output of a service's instances",
            parameters: [
                path("name", text), query("environment", text, required: true),
                query("tail", ["type": "integer", "minimum": 0, "maximum": 1_048_576]),
                query("offsets", ["type": "string", "minLength": 1, "maxLength": 4096]),
            ],
            responses: [200: "log chunks", 404: "no instances", 502: "the agent did not answer"]),
        Operation(
            method: "post", path: "/api/v1/services/{name}/stop",
            summary: "Stop a service in an environment (also one removed from the stack)", parameters: [path("name", text)],
            body: ("application/json", ref("StopRequest"), true),
            responses: [202: "stopping", 404: "the service does not run there", 409: "a deployment is running"],
            answer: ["type": "object", "required": ["service", "environment", "stopping"]]),
        Operation(
            method: "get", path: "/api/v1/environments", summary: "Environments of the stack", responses: [200: "environments"],
            answer: list(object)),
        Operation(
            method: "get", path: "/api/v1/releases", summary: "Releases, newest first",
            parameters: [query("service", text), query("environment", text)], responses: [200: "releases"], answer: list(object)),
        Operation(
            method: "get", path: "/api/v1/deployments", summary: "Deployments, newest first",
            parameters: [query("limit", ["type": "integer", "minimum": 1, "maximum": 1000])], responses: [200: "deployments"],
            answer: list(ref("Deployment"))),
        Operation(
            method: "post", path: "/api/v1/deployments", summary: "Deploy a version (rolling, blue/green or canary)",
            body: ("application/json", ref("DeployRequest"), true),
            responses: [
                202: "started", 404: "unknown service or environment", 409: "a deployment is already running there",
                422: "the request cannot be carried out (bad version, unresolvable reference)",
            ], answer: ref("Deployment")),
        Operation(
            method: "get", path: "/api/v1/deployments/{id}",
            summary: "One deployment; with If-None-Match (its last ETag) and waitMs, a long poll that answers when it changes",
            parameters: [path("id", id)] + longPoll,
            responses: [200: "deployment (with its ETag)", 304: "unchanged since the ETag in If-None-Match", 404: "no such deployment"],
            answer: ref("Deployment")),
        Operation(
            method: "get", path: "/api/v1/deployments/{id}/metrics",
            summary: "A deployment's step, weights and each release's traffic over a recent window, with its rules' latest verdicts",
            parameters: [
                path("id", id),
                query("window", ["type": "string", "pattern": "^(([1-9]|[1-9][0-9]|[1-8][0-9][0-9]|900)s|([1-9]|1[0-5])m)$"]),
            ],
            responses: [
                200: "measured", 404: "no such deployment",
                409: "nothing measures traffic (no proxy, no Prometheus)", 502: "the metrics source did not answer",
            ],
            answer: ref("RolloutMetrics")),
        Operation(
            method: "post", path: "/api/v1/deployments/{id}/abort", summary: "Abort a deployment in progress",
            parameters: [path("id", id)], body: ("application/json", ref("AbortRequest"), false),
            responses: [202: "aborting", 404: "no such deployment", 409: "already finished"], answer: ref("Deployment")),
        Operation(
            method: "post", path: "/api/v1/deployments/{id}/promote",
            summary: "Move a blue/green or canary deployment past its pause or analysis, or end its warm period",
            parameters: [path("id", id)],
            responses: [202: "promoted", 404: "no such deployment", 409: "nothing to promote at this step"],
            answer: ref("Deployment")),
        Operation(
            method: "post", path: "/api/v1/rollbacks", summary: "Return to the previous release",
            body: ("application/json", ref("RollbackRequest"), true),
            responses: [202: "started", 404: "unknown service or environment", 409: "a deployment is running", 422: "nothing to roll back to"],
            answer: ref("Deployment")),
        Operation(
            method: "get", path: "/api/v1/instances", summary: "Instances on the agent (declared environment, never resolved values)",
            parameters: [query("service", text), query("environment", text)], responses: [200: "instances"], answer: list(object)),
        Operation(
            method: "get", path: "/api/v1/events", summary: "The event log",
            parameters: [
                query("after", ["type": "integer", "minimum": 0, "maximum": 9_007_199_254_740_991]), query("limit", ["type": "integer", "minimum": 1, "maximum": 1000]),
                query("type", text), query("subject", text),
            ],
            responses: [200: "events"], answer: list(object)),
        Operation(method: "get", path: "/api/v1/audit/verify", summary: "Check the hash chain of the log", responses: [200: "report"], answer: object),
        Operation(method: "get", path: "/api/v1/users", summary: "Users and their roles (admin)", responses: [200: "users"], answer: list(ref("User"))),
        Operation(
            method: "post", path: "/api/v1/users", summary: "Add a user with roles per environment (admin)",
            body: ("application/json", ref("UserRequest"), true),
            responses: [201: "added", 409: "the name is taken", 422: "a bad name or an unknown role"], answer: ref("User")),
        Operation(
            method: "delete", path: "/api/v1/users/{name}", summary: "Remove a user and revoke their tokens (admin)",
            parameters: [path("name", text)],
            responses: [200: "removed", 404: "no such user", 409: "it would leave no admin"],
            answer: ["type": "object", "required": ["user", "revokedTokens"]]),
        Operation(
            method: "get", path: "/api/v1/tokens", summary: "Tokens, their state and last use, never their secret (admin)",
            responses: [200: "tokens"], answer: list(ref("Token"))),
        Operation(
            method: "post", path: "/api/v1/tokens", summary: "Create a token for a user; its secret is shown once (admin)",
            body: ("application/json", ref("TokenRequest"), true),
            responses: [201: "created", 404: "no such user", 422: "a bad lifetime"],
            answer: ["type": "object", "required": ["token", "id", "user"]]),
        Operation(
            method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke a token (admin)", parameters: [path("id", text)],
            responses: [200: "revoked", 404: "no such token", 409: "already revoked"], answer: ref("Token")),
        ] + secretOperations + dayTwoOperations + runbookOperations + backupOperations + migrationOperations
            + gateOperations
            + drillOperations
            + mirrorOperations
    }

    /// Restart, scale and start a service in an environment (each a rolling deployment), and take an environment down.
    static var dayTwoOperations: [Operation] {
        let name = path("name", text)
        let refusals = [
            404: "unknown service or environment, or never deployed there",
            409: "a deployment is running there, or the service is not in a state to do this",
            422: "the request cannot be carried out (an unresolvable reference, a count out of range)",
        ]
        return [
        Operation(
            method: "post", path: "/api/v1/services/{name}/restart",
            summary: "Restart a service in an environment: its current release again, rolled so ready never drops (operator)",
            parameters: [name], body: ("application/json", ref("ServiceEnvironmentRequest"), true),
            responses: refusals.merging([202: "started"]) { $1 }, answer: ref("Deployment")),
        Operation(
            method: "post", path: "/api/v1/services/{name}/scale",
            summary: "Run N instances of a service in an environment; the count sticks until the next scale (operator)",
            parameters: [name], body: ("application/json", ref("ScaleRequest"), true),
            responses: refusals.merging([202: "started"]) { $1 }, answer: ref("Deployment")),
        Operation(
            method: "post", path: "/api/v1/services/{name}/start",
            summary: "Start again the release a stop stopped (deployer)",
            parameters: [name], body: ("application/json", ref("ServiceEnvironmentRequest"), true),
            responses: refusals.merging([202: "started"]) { $1 }, answer: ref("Deployment")),
        Operation(
            method: "post", path: "/api/v1/environments/{name}/down",
            summary: "Stop every service running in an environment, in one append (deployer)",
            parameters: [name], body: ("application/json", ref("DownRequest"), false),
            responses: [
                202: "stopping (the list is empty when nothing ran there)", 404: "unknown environment",
                409: "a deployment is running there",
            ],
            answer: ["type": "object", "required": ["environment", "stopped"]]),
        ]
    }

    /// The secrets vault's operations: values go in request bodies and never come back.
    static var secretOperations: [Operation] {
        let name = path("name", ["type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$", "minLength": 1, "maxLength": 128])
        return [
        Operation(
            method: "get", path: "/api/v1/secrets", summary: "Secrets of the vault: names, versions, who set them and when (never values)",
            parameters: [query("environment", text)], responses: [200: "secrets"], answer: list(ref("Secret"))),
        Operation(
            method: "put", path: "/api/v1/secrets/{name}", summary: "Store a new version of a secret (the value in the body only)",
            parameters: [name], body: ("application/json", ref("SecretRequest"), true),
            responses: [200: "stored", 404: "unknown environment", 422: "the name, value or environment cannot be stored"],
            answer: ref("Secret")),
        Operation(
            method: "post", path: "/api/v1/secrets/{name}/rotate",
            summary: "Store a new version of an existing secret; with restart, roll every service that reads it",
            parameters: [name], body: ("application/json", ref("SecretRotateRequest"), true),
            responses: [200: "rotated", 404: "no such secret, or unknown environment", 422: "the name, value or environment cannot be stored"],
            answer: ["type": "object", "required": ["secret"], "properties": ["secret": ref("Secret"), "restart": object]]),
        Operation(
            method: "delete", path: "/api/v1/secrets/{name}", summary: "Delete every version of a secret in one scope",
            parameters: [name, query("environment", text)],
            responses: [200: "removed", 404: "no such secret", 422: "not a secret's name, or an environment that cannot hold secrets"],
            answer: ref("Secret")),
        ]
    }

    static var schemas: [String: Any] {
        [
        "Error": [
            "type": "object", "required": ["error"],
            "properties": [
                "error": [
                    "type": "object", "required": ["status", "message"],
                    "properties": [
                        "status": ["type": "integer"], "message": ["type": "string"],
                        "details": list([
                            "type": "object",
                            "properties": [
                                "message": ["type": "string"], "line": ["type": "integer"], "column": ["type": "integer"],
                                "path": ["type": "string"],
                            ],
                        ]),
                    ],
                ]
            ],
        ],
        "DeployRequest": [
            "type": "object", "required": ["service", "environment", "version"],
            "properties": [
                "service": text, "environment": text,
                "version": ["type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[!-.0-~]+$"],
                "set": ["type": "object", "additionalProperties": ["type": "string"]],
                "strategy": ["type": "string", "enum": DeployPolicy.Strategy.allCases.map(\.rawValue)],
                "overrideWindow": ref("WindowOverride"),
            ],
        ],
        "WindowOverride": [
            "type": "object", "required": ["reason"],
            "properties": ["reason": ["type": "string", "minLength": 1, "maxLength": 1024]],
        ],
        "PromotionRequest": [
            "type": "object", "required": ["service", "from", "environment"],
            "properties": ["service": text, "from": text, "environment": text, "overrideWindow": ref("WindowOverride")],
        ],
        "RollbackRequest": [
            "type": "object", "required": ["service", "environment"],
            "properties": ["service": text, "environment": text, "to": ["type": "integer", "minimum": 1]],
        ],
        "StopRequest": [
            "type": "object", "required": ["environment"],
            "properties": ["environment": text, "reason": ["type": "string", "maxLength": 1024]],
        ],
        "AbortRequest": ["type": "object", "properties": ["reason": ["type": "string", "maxLength": 1024]]],
        "ServiceEnvironmentRequest": ["type": "object", "required": ["environment"], "properties": ["environment": text]],
        "ScaleRequest": [
            "type": "object", "required": ["environment", "instances"],
            "properties": ["environment": text, "instances": ["type": "integer", "minimum": 0, "maximum": 256]],
        ],
        "DownRequest": ["type": "object", "properties": ["reason": ["type": "string", "maxLength": DownRequest.maxReasonLength]]],
        "UserRequest": [
            "type": "object", "required": ["name", "roles"],
            "properties": [
                "name": ["type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9._-]+$"],
                "roles": list(["type": "string", "pattern": "^(viewer|deployer|approver|operator|admin)(@[^,@]+)?$"]),
            ],
        ],
        "User": [
            "type": "object", "required": ["name", "roles", "createdAt"],
            "properties": ["name": ["type": "string"], "roles": list(["type": "string"]), "createdAt": ["type": "string"]],
        ],
        "TokenRequest": [
            "type": "object", "required": ["user"],
            "properties": ["user": text, "expiresIn": ["type": "string", "pattern": "^[1-9][0-9]{0,6}[dhm]$"]],
        ],
        "Token": [
            "type": "object", "required": ["id", "user", "state", "createdAt"],
            "properties": [
                "id": ["type": "string"], "user": ["type": "string"],
                "state": ["type": "string", "enum": ["valid", "expired", "revoked"]],
                "createdAt": ["type": "string"], "expiresAt": ["type": "string"], "revokedAt": ["type": "string"],
                "lastUsedAt": ["type": "string"],
            ],
        ],
        "SecretRequest": [
            "type": "object", "required": ["value"],
            "properties": ["value": ["type": "string", "minLength": 1, "maxLength": 65536], "environment": text],
        ],
        "SecretRotateRequest": [
            "type": "object", "required": ["value"],
            "properties": [
                "value": ["type": "string", "minLength": 1, "maxLength": 65536], "environment": text,
                "restart": ["type": "boolean"],
            ],
        ],
        "Secret": [
            "type": "object", "required": ["name", "version", "versions", "setBy", "setAt"],
            "properties": [
                "name": ["type": "string"], "environment": ["type": "string"], "version": ["type": "integer"],
                "versions": ["type": "integer"], "setBy": ["type": "string"], "setAt": ["type": "string"],
            ],
        ],
        "Deployment": [
            "type": "object", "required": ["id", "phase"],
            "properties": [
                "id": ["type": "integer"],
                "kind": ["type": "string", "enum": Deployment.Kind.allCases.map(\.rawValue)],
                "phase": ["type": "string", "enum": Deployment.Phase.allCases.map(\.rawValue)],
                "step": ["type": "integer"], "weight": ["type": "integer", "minimum": 0, "maximum": 100],
                "wakeAt": ["type": "string"], "rollout": ["type": "object"],
                "release": ["type": "integer"], "previousRelease": ["type": "integer"], "reason": ["type": "string"],
                "newInstances": list(["type": "string"]), "oldInstances": list(["type": "string"]),
                "ruleFailed": ["type": "boolean"],
                "approvalsRequired": ["type": "integer", "minimum": 0], "approvals": list(["type": "string"]),
                "pausedAt": ["type": "string"], "window": ["type": "object"], "windowOverride": ["type": "object"],
                "promotedFrom": ["type": "object"],
                // What the pre-deployment checklist reported: each deploy.migrate database's pending migrations.
                "checklistItems": list(["type": "string"]),
            ],
        ],
        "RolloutMetrics": [
            "type": "object",
            "required": [
                "deployment", "service", "environment", "kind", "strategy", "phase", "steps", "windowSeconds", "measuredAt",
                "releases", "rules",
            ],
            "properties": [
                "deployment": ["type": "integer"], "service": ["type": "string"], "environment": ["type": "string"],
                "kind": ["type": "string", "enum": Deployment.Kind.allCases.map(\.rawValue)],
                "strategy": ["type": "string", "enum": DeployPolicy.Strategy.allCases.map(\.rawValue)],
                "phase": ["type": "string", "enum": Deployment.Phase.allCases.map(\.rawValue)],
                "step": ["type": "integer"], "steps": list(["type": "string"]),
                "weight": ["type": "integer", "minimum": 0, "maximum": 100], "wakeAt": ["type": "string"],
                "reason": ["type": "string"], "windowSeconds": ["type": "integer"], "measuredAt": ["type": "string"],
                "releases": list([
                    "type": "object", "required": ["role", "release", "measured", "requests", "errors", "requestsPerSecond"],
                    "properties": [
                        "role": ["type": "string"], "release": ["type": "integer"],
                        "weight": ["type": "integer", "minimum": 0, "maximum": 100], "measured": ["type": "boolean"],
                        "requests": ["type": "number"], "errors": ["type": "number"], "errorRate": ["type": "number"],
                        "p50Ms": ["type": "number"], "p95Ms": ["type": "number"], "p99Ms": ["type": "number"],
                        "requestsPerSecond": ["type": "number"], "coveredSeconds": ["type": "number"],
                    ],
                ]),
                "rules": list([
                    "type": "object", "required": ["rule", "kind", "verdict", "detail", "at"],
                    "properties": [
                        "rule": ["type": "string"], "kind": ["type": "string", "enum": ["rollback", "analysis"]],
                        "step": ["type": "integer"],
                        "verdict": ["type": "string", "enum": ["passing", "failing", "inconclusive"]],
                        "detail": ["type": "string"], "measured": ["type": "number"], "at": ["type": "string"],
                    ],
                ]),
            ],
        ],
        ]
    }

    /// The document as a JSON object.
    static var document: [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            paths[operation.path, default: [:]][operation.method] = render(operation)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Steward control plane", "version": "1"],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": schemas,
                "responses": [
                    "Problem": [
                        "description": "Refused; the body says what was wrong and what was expected.",
                        "content": ["application/json": ["schema": ref("Error")]],
                    ]
                ],
            ],
            "security": [["bearer": [String]()]],
            "paths": paths,
        ]
    }

    static func render(_ operation: Operation) -> [String: Any] {
        var responses: [String: Any] = [:]
        for (status, description) in operation.responses {
            if status >= 400 {
                responses[String(status)] = ["$ref": "#/components/responses/Problem"]
            } else if let answer = operation.answer, status != 304 {  // a 304 has no body
                responses[String(status)] = ["description": description, "content": ["application/json": ["schema": answer]]]
            } else {
                responses[String(status)] = ["description": description]
            }
        }
        var common: [Int] = [405]
        if !operation.open { common += [401, 403] }  // 403: the caller lacks the role (RoutePermissions)
        if !operation.parameters.isEmpty { common.append(400) }
        if operation.body != nil { common += [400, 413, 415] }
        for status in common where responses[String(status)] == nil {
            responses[String(status)] = ["$ref": "#/components/responses/Problem"]
        }
        var rendered: [String: Any] = ["summary": operation.summary, "responses": responses]
        if operation.open { rendered["security"] = [[String: Any]]() }
        if !operation.parameters.isEmpty { rendered["parameters"] = operation.parameters }
        if let body = operation.body {
            rendered["requestBody"] = ["required": body.required, "content": [body.type: ["schema": body.schema]]]
        }
        return rendered
    }

    /// The document as served: compact JSON with sorted keys.
    static let json: String = {
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }()
}
