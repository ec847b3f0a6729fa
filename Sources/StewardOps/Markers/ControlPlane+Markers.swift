import Foundation
import Logging
public import StewardCore
import StewardRuntime

/// Deployment markers: when a deployment finishes, its environment's `markerWebhook` gets a POST.
///
/// Best effort by design: the durable marker is the `deployment.succeeded` / `deployment.failed`
/// event, appended before this runs. The webhook is tried a few times with a growing pause, its
/// failures are logged (never an event, never a reason to hold a deployment), and a delivery cut
/// short by a restart is not tried again. Secret values in the URL (`${secret:NAME}`) are resolved
/// only for the request: log lines show the URL as declared, and any error text is masked.
extension ControlPlane {
    /// How a marker's delivery went.
    public struct MarkerDelivery: Sendable, Equatable {
        /// The URL as the stack file declares it (secret references unresolved).
        public var url: String
        public var attempts: Int
        /// Nil when delivered; otherwise the last failure, with secret values masked.
        public var failure: String?
    }

    /// Posts the marker of a finished deployment to its environment's `markerWebhook`, trying
    /// `attempts` times with `backoff`, doubled after each failure, in between.
    ///
    /// - Returns: nil when there is nothing to post (no webhook, no such finished deployment).
    @discardableResult
    public nonisolated func deliverMarker(
        of id: Int, attempts: Int = 3, backoff: Duration = .seconds(1), timeout: Duration = .seconds(5)
    ) async -> MarkerDelivery? {
        guard let prepared = await markerRequest(of: id) else { return nil }
        let webhook = MarkerWebhook()
        var delay = backoff
        var failure: String?
        for attempt in 1...max(1, attempts) {
            failure = await webhook.post(prepared.body, to: prepared.url, timeout: timeout).map(prepared.mask.apply)
            guard let reason = failure else {
                logger.info("deployment \(id): marker posted to \(prepared.declared)")
                return MarkerDelivery(url: prepared.declared, attempts: attempt, failure: nil)
            }
            logger.warning("deployment \(id): marker to \(prepared.declared), attempt \(attempt) of \(attempts): \(reason)")
            if attempt < attempts {
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
        return MarkerDelivery(url: prepared.declared, attempts: max(1, attempts), failure: failure)
    }

    /// The marker's body, its resolved URL and the mask of the secrets in it; nil when none is due.
    private func markerRequest(of id: Int) -> (body: Data, url: String, declared: String, mask: SecretMask)? {
        guard let deployment = state.deployments[id], deployment.isFinished,
            let declared = state.stack?.environment(named: deployment.target.environment)?.markerWebhook,
            let release = state.releases[deployment.release], let marker = DeploymentMarker(deployment, release: release),
            let planner
        else { return nil }
        var mask = SecretMask()
        do {
            let url = try Interpolation.resolve(declared) { reference in
                guard case .secret(let name) = reference else { return reference.description }
                let value = try planner.secret(name, environment: deployment.target.environment)
                mask.hide(value)
                return value
            }
            mask.hidePassword(ofURL: url)
            return (try marker.body(), url, declared, mask)
        } catch {
            logger.warning("deployment \(id): no marker posted to \(declared): \(mask.apply("\(error)"))")
            return nil
        }
    }
}
