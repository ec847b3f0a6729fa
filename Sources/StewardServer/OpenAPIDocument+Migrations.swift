import Foundation

extension OpenAPIDocument {
    /// Schema migrations of PostgreSQL dependencies.
    static var migrationOperations: [Operation] {
        let dependency = path("dependency", ["type": "string", "minLength": 1, "maxLength": 64])
        let operation: [String: Any] = [
            "type": "object",
            "required": ["run", "direction", "environment", "dependency", "state", "stage", "startedBy", "done"],
            "properties": [
                "run": ["type": "string"], "direction": ["type": "string", "enum": ["up", "down"]],
                "environment": ["type": "string"], "dependency": ["type": "string"], "target": ["type": "integer"],
                "state": ["type": "string", "enum": ["running", "succeeded", "failed"]], "stage": ["type": "string"],
                "startedBy": ["type": "string"], "planned": list(["type": "integer"]), "done": list(["type": "integer"]),
                "backup": ["type": "string"], "error": ["type": "string"],
                "validationFailures": list(["type": "string"]),
            ],
        ]
        let migration: [String: Any] = [
            "type": "object", "required": ["version", "name", "state", "reversible"],
            "properties": [
                "version": ["type": "integer"], "name": ["type": "string"],
                "state": ["type": "string", "enum": ["applied", "pending", "drifted", "missing"]],
                "file": ["type": "string"], "fileSHA256": ["type": "string"], "appliedSHA256": ["type": "string"],
                "reversible": ["type": "boolean"],
            ],
        ]
        let view: [String: Any] = [
            "type": "object", "required": ["dependency", "environment", "directory", "migrations", "backupFirst"],
            "properties": [
                "dependency": ["type": "string"], "environment": ["type": "string"], "directory": ["type": "string"],
                "migrations": list(migration), "error": ["type": "string"], "backupFirst": ["type": "boolean"],
                "operation": operation,
            ],
        ]
        func run(_ direction: String, required: [String], summary: String) -> Operation {
            Operation(
                method: "post", path: "/api/v1/migrations/{dependency}/\(direction)", summary: summary,
                parameters: [dependency],
                body: (
                    "application/json",
                    [
                        "type": "object", "required": required,
                        "properties": [
                            "environment": ["type": "string", "minLength": 1, "maxLength": 64],
                            "to": ["type": "integer", "minimum": 0, "maximum": 999_999_999],
                        ],
                    ], true
                ),
                responses: [
                    202: "started: follow GET /api/v1/migrations/{dependency}?environment=E",
                    404: "no such dependency or environment", 409: "a run of it is going on there",
                    422: "no migrations declared, a directory that breaks the naming rule, an unknown version, or a URL that does not resolve",
                ],
                answer: operation)
        }
        return [
            Operation(
                method: "get", path: "/api/v1/migrations/{dependency}",
                summary: "Each migration (applied, pending, drifted, missing) per environment, with the latest run",
                parameters: [dependency, query("environment", text)],
                responses: [
                    200: "one view per environment (error: the history could not be read)",
                    404: "no such dependency or environment", 422: "no migrations declared, or a directory that breaks the naming rule",
                ],
                answer: list(view)),
            run("up", required: ["environment"], summary: "Apply the pending migrations (to: stop at a version), under the database's lock"),
            run("down", required: ["environment", "to"], summary: "Revert the applied migrations above a version, newest first"),
        ]
    }
}
