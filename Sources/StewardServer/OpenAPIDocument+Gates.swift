import Foundation

extension OpenAPIDocument {
    /// Approving, pausing and resuming a deployment, and promoting a release between environments.
    static var gateOperations: [Operation] {
        [
            Operation(
                method: "post", path: "/api/v1/deployments/{id}/approve",
                summary: "Approve a deployment that waits for approvals; not the requester, once per user (approver)",
                parameters: [path("id", id)],
                responses: [
                    202: "approved (it starts, or waits for its window, once enough users approved)",
                    404: "no such deployment",
                    409: "it waits for no approval, or the caller requested it or already approved it",
                ],
                answer: ref("Deployment")),
            Operation(
                method: "post", path: "/api/v1/deployments/{id}/pause",
                summary: "Hold a running blue/green or canary rollout at its current step (deployer)",
                parameters: [path("id", id)],
                responses: [202: "paused", 404: "no such deployment", 409: "not a rollout walking its steps, or already paused"],
                answer: ref("Deployment")),
            Operation(
                method: "post", path: "/api/v1/deployments/{id}/resume",
                summary: "Let a paused rollout go on; its timers move by the time it was paused (deployer)",
                parameters: [path("id", id)],
                responses: [202: "resumed", 404: "no such deployment", 409: "not paused"],
                answer: ref("Deployment")),
            Operation(
                method: "post", path: "/api/v1/promotions",
                summary: "Deploy to an environment the release serving a service in another, once healthy there long enough (deployer)",
                body: ("application/json", ref("PromotionRequest"), true),
                responses: [
                    202: "the deployment (it may wait for approvals or the window)",
                    404: "unknown service or environment, or nothing runs in the source",
                    409: "not healthy long enough, a deployment is running, or the source is deploying",
                    422: "the source promotes elsewhere, or an override without a reason",
                ],
                answer: ref("Deployment")),
        ]
    }
}
