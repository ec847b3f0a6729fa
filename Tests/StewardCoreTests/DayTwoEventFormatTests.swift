import Foundation
import StewardCore
import Testing

/// The log shapes the day-2 commands add to v1: deployment kinds, the pinned count, the stopped release.
struct DayTwoEventFormatTests {
    let t0 = EventFormatTests.t0
    let target = EventFormatTests.target

    func roundTrip(_ event: StewardEvent) throws -> (payload: [String: Any], decoded: DecodedEvent) {
        let encoded = try event.encoded()
        let decoded = try StewardEvent.decode(seq: 1, type: encoded.type, subject: encoded.subject, payload: encoded.payload)
        return (try EventFormatTests.json(encoded.payload), decoded)
    }

    /// Every kind is written as its name in `deployment.created` and read back.
    @Test(arguments: Deployment.Kind.allCases)
    func deploymentKindsRoundTrip(_ kind: Deployment.Kind) throws {
        var deployment = EventFormatTests.deployment()
        deployment.kind = kind
        let (payload, decoded) = try roundTrip(.deploymentCreated(deployment))
        #expect(payload["kind"] as? String == kind.rawValue)
        #expect(decoded == .event(.deploymentCreated(deployment)))
    }

    /// A pinned count is written as `scaledInstances` and read back; an unpinned release has no such key.
    @Test func scaledInstancesIsOptional() throws {
        let pinned = EventFormatTests.release().scaled(to: 4)
        let (payload, decoded) = try roundTrip(.releaseCreated(pinned))
        #expect(payload["scaledInstances"] as? Int == 4)
        #expect(decoded == .event(.releaseCreated(pinned)))
        guard case .event(.releaseCreated(let read)) = decoded else { return }
        #expect(read.spec.instances == 4)
        let (plain, _) = try roundTrip(.releaseCreated(EventFormatTests.release()))
        #expect(plain["scaledInstances"] == nil)
    }

    /// A checkpoint keeps the stopped releases; without any it has no `stopped` key, as checkpoints had before.
    @Test func checkpointKeepsStoppedReleases() throws {
        var state = StackState()
        state.apply(.releaseCreated(EventFormatTests.release()))
        state.apply(.deploymentCreated(EventFormatTests.deployment()))
        state.apply(.deploymentFinished(DeploymentFinished(id: 3, target: target, release: 2, phase: .succeeded, reason: nil, at: t0)))
        let running = StateCheckpoint(seq: 3, hash: String(repeating: "b", count: 64), state: state)
        let (runningPayload, runningDecoded) = try roundTrip(.checkpoint(running))
        #expect((runningPayload["state"] as? [String: Any])?["stopped"] == nil)
        #expect(runningDecoded == .event(.checkpoint(running)))

        state.apply(.serviceStopped(ServiceStopped(target: target, release: 2, reason: "down")))
        #expect(state.stopped == [target: 2])
        let stopped = StateCheckpoint(seq: 4, hash: String(repeating: "c", count: 64), state: state)
        let (payload, decoded) = try roundTrip(.checkpoint(stopped))
        let list = (payload["state"] as? [String: Any])?["stopped"] as? [[String: Any]]
        #expect(list?.first?["release"] as? Int == 2)
        #expect(decoded == .event(.checkpoint(stopped)))
    }

    /// docs/events.md names every deployment kind.
    @Test(arguments: Deployment.Kind.allCases)
    func kindIsDocumented(_ kind: Deployment.Kind) {
        #expect(EventDocsTests.docs.contains("`\"\(kind.rawValue)\"`"))
    }
}
