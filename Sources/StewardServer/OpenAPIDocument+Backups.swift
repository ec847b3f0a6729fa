import Foundation

extension OpenAPIDocument {
    /// Backups of PostgreSQL dependencies.
    static var backupOperations: [Operation] {
        let backupID = path("id", ["type": "string", "pattern": "^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$"])
        let operation: [String: Any] = [
            "type": "object", "required": ["kind", "backup", "environment", "dependency", "state", "startedBy", "bytes"],
            "properties": [
                "kind": ["type": "string", "enum": ["create", "verify", "restore"]],
                "state": ["type": "string", "enum": ["running", "succeeded", "failed"]],
                "backup": ["type": "string"], "environment": ["type": "string"], "dependency": ["type": "string"],
                "startedBy": ["type": "string"], "bytes": ["type": "integer"], "error": ["type": "string"],
                "passed": ["type": "boolean"], "failures": list(["type": "string"]), "target": ["type": "string"],
                "previousDatabase": ["type": "string"], "stoppedServices": list(["type": "string"]),
            ],
        ]
        let backup: [String: Any] = [
            "type": "object", "required": ["id", "environment", "dependency", "verified"],
            "properties": [
                "id": ["type": "string"], "environment": ["type": "string"], "dependency": ["type": "string"],
                "verified": ["type": "boolean"], "manifest": object, "verification": object, "operation": operation,
            ],
        ]
        let environment: [String: Any] = ["type": "string", "minLength": 1, "maxLength": 64]
        let createRequest: [String: Any] = [
            "type": "object", "required": ["dependency", "environment"],
            "properties": ["dependency": ["type": "string", "minLength": 1, "maxLength": 64], "environment": environment],
        ]
        let restoreRequest: [String: Any] = [
            "type": "object",
            "properties": ["force": ["type": "boolean"], "database": ["type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,62}$"]],
        ]
        let pruneRequest: [String: Any] = [
            "type": "object", "required": ["environment"],
            "properties": ["environment": environment, "dryRun": ["type": "boolean"]],
        ]
        let fire: [String: Any] = [
            "type": "object", "required": ["scheduledFor", "firedAt", "missed"],
            "properties": [
                "scheduledFor": ["type": "string", "format": "date-time"], "firedAt": ["type": "string", "format": "date-time"],
                "missed": ["type": "integer"], "backup": ["type": "string"], "run": ["type": "string"],
                "error": ["type": "string"],
            ],
        ]
        let schedule: [String: Any] = [
            "type": "object",
            "required": ["id", "kind", "cron", "timeZone", "running", "missedRunPolicy"],
            "properties": [
                "id": ["type": "string"], "kind": ["type": "string", "enum": ["backup", "mirror"]], "dependency": ["type": "string"],
                "environment": ["type": "string"], "mirror": ["type": "string"], "cron": ["type": "string"], "timeZone": ["type": "string"],
                "nextFireAt": ["type": "string", "format": "date-time"], "armedAt": ["type": "string", "format": "date-time"],
                "lastRun": fire, "running": ["type": "boolean"], "missedRunPolicy": ["type": "string"],
            ],
        ]
        return [
            Operation(
                method: "get", path: "/api/v1/backups/schedules",
                summary: "Scheduled backups (each `backups:` entry with a schedule, per environment) and mirrors: next fire time, last run",
                parameters: [query("environment", text)], responses: [200: "schedules"], answer: list(schedule)),
            Operation(
                method: "get", path: "/api/v1/backups", summary: "Backups in the store (and those being taken), newest first",
                parameters: [query("environment", text)], responses: [200: "backups"], answer: list(backup)),
            Operation(
                method: "post", path: "/api/v1/backups",
                summary: "Take a backup of a postgres dependency in an environment (verified after when the stack says so)",
                body: ("application/json", createRequest, true),
                responses: [
                    202: "started: follow GET /api/v1/backups/{id}", 404: "no such dependency or environment",
                    409: "a backup of it is running", 422: "not a postgres dependency, or its URL does not resolve",
                ],
                answer: operation),
            Operation(
                method: "post", path: "/api/v1/backups/prune",
                summary: "Delete what retention does not keep (dryRun: only say, for every backup, what and why)",
                body: ("application/json", pruneRequest, true),
                responses: [200: "every backup with its decision and reasons", 404: "no such environment"],
                answer: ["type": "object", "required": ["environment", "dryRun", "deleted", "items"]]),
            Operation(
                method: "get", path: "/api/v1/backups/{id}",
                summary: "One backup: manifest, last verification, operation; with If-None-Match (its last ETag) and "
                    + "waitMs, a long poll that answers when its operation changes state",
                parameters: [backupID] + longPoll,
                responses: [
                    200: "backup (with its ETag)", 304: "unchanged since the ETag in If-None-Match", 404: "no such backup",
                ],
                answer: backup),
            Operation(
                method: "post", path: "/api/v1/backups/{id}/verify",
                summary: "Restore a backup into a scratch database and check it", parameters: [backupID],
                responses: [202: "started", 404: "no such backup", 409: "an operation on it is running"],
                answer: operation),
            Operation(
                method: "post", path: "/api/v1/backups/{id}/restore",
                summary: "Restore a backup beside its database and swap (services using it stop for the swap)",
                parameters: [backupID], body: ("application/json", restoreRequest, false),
                responses: [
                    202: "started: a target holding tables without force fails the operation, untouched",
                    404: "no such backup", 409: "an operation on it is running", 422: "a bad database name",
                ],
                answer: operation),
        ]
    }
}
