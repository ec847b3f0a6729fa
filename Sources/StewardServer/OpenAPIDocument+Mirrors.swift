import Foundation

extension OpenAPIDocument {
    /// Bucket mirrors (`mirrors:` in the stack file).
    static var mirrorOperations: [Operation] {
        let name = path("name", ["type": "string", "pattern": "^[a-z][a-z0-9-]*$", "maxLength": 64])
        let operation: [String: Any] = [
            "type": "object",
            "required": ["run", "mirror", "kind", "state", "startedBy", "startedAt", "source", "target", "objects", "bytes"],
            "properties": [
                "run": ["type": "string"], "mirror": ["type": "string"],
                "kind": ["type": "string", "enum": ["sync", "restore"]],
                "state": ["type": "string", "enum": ["running", "succeeded", "failed"]],
                "startedBy": ["type": "string"], "startedAt": ["type": "string", "format": "date-time"],
                "finishedAt": ["type": "string", "format": "date-time"], "source": ["type": "string"],
                "target": ["type": "string"], "objects": ["type": "integer"], "bytes": ["type": "integer"],
                "copied": ["type": "integer"], "skipped": ["type": "integer"], "deleted": ["type": "integer"],
                "kept": ["type": "integer"], "durationSeconds": ["type": "number"], "failures": list(["type": "string"]),
                "error": ["type": "string"],
            ],
        ]
        let mirror: [String: Any] = [
            "type": "object", "required": ["name", "source", "target", "keepRemoved", "timeZone"],
            "properties": [
                "name": ["type": "string"], "source": ["type": "string"], "target": ["type": "string"],
                "keepRemoved": ["type": "boolean"], "schedule": ["type": "string"], "timeZone": ["type": "string"],
                "nextSyncAt": ["type": "string", "format": "date-time"], "operation": operation,
            ],
        ]
        let restoreRequest: [String: Any] = [
            "type": "object",
            "properties": [
                "to": ["type": "string", "pattern": "^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$"],
                "includeRemoved": ["type": "boolean"],
            ],
        ]
        return [
            Operation(
                method: "get", path: "/api/v1/mirrors",
                summary: "Bucket mirrors the stack declares, with the next scheduled sync and the latest run",
                responses: [200: "mirrors"], answer: list(mirror)),
            Operation(
                method: "get", path: "/api/v1/mirrors/{name}", summary: "One mirror and its latest run (poll it while it runs)",
                parameters: [name], responses: [200: "mirror", 404: "no such mirror"], answer: mirror),
            Operation(
                method: "post", path: "/api/v1/mirrors/{name}/sync",
                summary: "Copy what is new or changed at the source into the mirror, delete copies of removed objects (unless keepRemoved)",
                parameters: [name], body: ("application/json", ["type": "object"], false),
                responses: [
                    202: "started: follow GET /api/v1/mirrors/{name}", 404: "no such mirror",
                    409: "a run of the mirror is going on", 422: "a bucket cannot be reached (no credentials)",
                ],
                answer: operation),
            Operation(
                method: "post", path: "/api/v1/mirrors/{name}/restore",
                summary: "Upload the mirror's objects, each checked against its SHA-256, into a bucket (the source by default)",
                parameters: [name], body: ("application/json", restoreRequest, false),
                responses: [
                    202: "started: follow GET /api/v1/mirrors/{name}", 404: "no such mirror",
                    409: "a run of the mirror is going on", 422: "a bad target, or a bucket cannot be reached",
                ],
                answer: operation),
        ]
    }
}
