import Foundation

extension OpenAPIDocument {
    /// Disaster-recovery drills.
    static var drillOperations: [Operation] {
        let drillID = path("id", ["type": "string", "pattern": "^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$"])
        let check: [String: Any] = [
            "type": "object", "required": ["objective", "achievedSeconds", "met"],
            "properties": ["objective": ["type": "string"], "achievedSeconds": ["type": "number"], "met": ["type": "boolean"]],
        ]
        let report: [String: Any] = [
            "type": "object",
            "required": ["id", "environment", "startedBy", "startedAt", "state", "stages", "backups", "services", "teardown"],
            "properties": [
                "id": ["type": "string"], "environment": ["type": "string"], "startedBy": ["type": "string"],
                "startedAt": ["type": "string", "format": "date-time"], "finishedAt": ["type": "string", "format": "date-time"],
                "state": ["type": "string", "enum": ["running", "completed", "failed"]],
                "stages": list([
                    "type": "object", "required": ["name", "offsetSeconds"],
                    "properties": [
                        "name": ["type": "string"], "offsetSeconds": ["type": "number"], "seconds": ["type": "number"],
                        "passed": ["type": "boolean"], "detail": ["type": "string"],
                    ],
                ]),
                "backups": list(object), "services": list(object),
                "rtoSeconds": ["type": "number"], "rpoSeconds": ["type": "number"],
                "objectives": ["type": "object", "properties": ["rto": ["type": "string"], "rpo": ["type": "string"]]],
                "verdict": [
                    "type": "object", "required": ["outcome"],
                    "properties": ["outcome": ["type": "string", "enum": ["met", "missed", "not-declared"]], "rto": check, "rpo": check],
                ],
                "error": ["type": "string"], "teardown": list(["type": "string"]), "reportPath": ["type": "string"],
            ],
        ]
        let startRequest: [String: Any] = [
            "type": "object", "required": ["environment"],
            "properties": ["environment": ["type": "string", "minLength": 1, "maxLength": 64]],
        ]
        return [
            Operation(
                method: "post", path: "/api/v1/drills",
                summary: "Start a disaster-recovery drill: restore the newest backups into a scratch cluster, start the "
                    + "services beside the real ones, check them, measure RTO and RPO, tear down",
                body: ("application/json", startRequest, true),
                responses: [
                    202: "started: follow GET /api/v1/drills/{id}", 404: "no such environment",
                    409: "a drill of the environment is running",
                    422: "no backup to restore, a service that cannot be prepared, or no drill reports kept",
                ],
                answer: report),
            Operation(
                method: "get", path: "/api/v1/drills/{id}", summary: "One drill: stages, figures, verdict, teardown",
                parameters: [drillID], responses: [200: "drill", 404: "no such drill"], answer: report),
            Operation(
                method: "get", path: "/api/v1/drills",
                summary: "The drills the log remembers, newest first (also those run before a restart): state, outcome, RTO and RPO achieved",
                parameters: [query("environment", text), query("limit", ["type": "integer", "minimum": 1, "maximum": 1000])],
                responses: [200: "drills"],
                answer: list(["type": "object", "required": ["id", "environment", "state"]])),
        ]
    }
}
