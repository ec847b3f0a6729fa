import Foundation

extension OpenAPIDocument {
    /// Runbooks and their runs.
    static var runbookOperations: [Operation] {
        let name = path("name", ["type": "string", "pattern": "^[a-z][a-z0-9-]*$", "minLength": 1, "maxLength": 64])
        let run: [String: Any] = [
            "type": "object", "required": ["id", "runbook", "environment", "phase", "steps", "startedBy"],
            "properties": [
                "id": ["type": "integer"], "environment": ["type": "string"], "startedBy": ["type": "string"],
                "phase": ["type": "string", "enum": ["running", "awaiting-approval", "succeeded", "failed", "canceled"]],
                "runbook": object, "steps": list(object), "reason": ["type": "string"],
            ],
        ]
        let runRequest: [String: Any] = [
            "type": "object", "required": ["environment"],
            "properties": [
                "environment": ["type": "string", "minLength": 1, "maxLength": 64],
                "from": ["type": "string", "minLength": 1, "maxLength": 128],
                "dryRun": ["type": "boolean"],
            ],
        ]
        let cancelRequest: [String: Any] = [
            "type": "object", "properties": ["reason": ["type": "string", "maxLength": 1024]],
        ]
        return [
            Operation(
                method: "get", path: "/api/v1/runbooks", summary: "Runbooks of the stack and their steps",
                responses: [200: "runbooks"], answer: list(object)),
            Operation(
                method: "get", path: "/api/v1/runbooks/{name}", summary: "One runbook", parameters: [name],
                responses: [200: "runbook", 404: "no such runbook"], answer: object),
            Operation(
                method: "post", path: "/api/v1/runbooks/{name}/runs",
                summary: "Run a runbook in an environment, or with dryRun show every step resolved (secrets masked)",
                parameters: [name], body: ("application/json", runRequest, true),
                responses: [
                    200: "the dry run: every step resolved, nothing run", 202: "the run started",
                    404: "no such runbook, environment or step", 422: "the runbook may not run there, or a step cannot be prepared",
                ],
                answer: object),
            Operation(
                method: "get", path: "/api/v1/runbook-runs", summary: "Runbook runs, newest first",
                parameters: [query("environment", text)], responses: [200: "runs"], answer: list(run)),
            Operation(
                method: "get", path: "/api/v1/runbook-runs/{id}", summary: "One run with every step's output",
                parameters: [path("id", id)], responses: [200: "run", 404: "no such run"], answer: run),
            Operation(
                method: "post", path: "/api/v1/runbook-runs/{id}/approve",
                summary: "Approve the step a run waits for (in an environment with approvals: not by who started it)",
                parameters: [path("id", id)],
                responses: [202: "approved", 404: "no such run", 409: "the run waits for no approval, or not from this user"],
                answer: run),
            Operation(
                method: "post", path: "/api/v1/runbook-runs/{id}/cancel", summary: "Cancel a run: no further step starts",
                parameters: [path("id", id)], body: ("application/json", cancelRequest, false),
                responses: [200: "canceled", 404: "no such run", 409: "the run already ended"], answer: run),
        ]
    }
}
