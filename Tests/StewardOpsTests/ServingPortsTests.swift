import Foundation
import StewardCore
@testable import StewardOps
import StewardRuntime
import Testing

/// Which instances the proxy's table lists, from the agent's snapshot and the log: plain values.
struct ServingPortsTests {
    func status(_ id: String, port: Int, ready: Bool, adopted: Bool = false, probed: Bool = false) -> InstanceStatus {
        let spec = InstanceSpec(
            id: id, service: "web", environment: "production", release: 1, version: "1.0.0", command: "/bin/true",
            readiness: ProbeSpec(check: .tcp(port: nil)))
        return InstanceStatus(
            spec: spec, state: .running, port: port, ready: ready, lastProbe: probed ? .failed("refused") : nil, adopted: adopted)
    }

    func recorded(ready ids: [String]) -> StackState {
        var state = StackState()
        for id in ids { state.apply(.instanceObserved(.init(instanceID: id, change: .ready, message: "passed readiness"))) }
        return state
    }

    /// A restarted agent's adopted instances keep serving until their first probe says otherwise.
    @Test func adoptedInstancesLastRecordedReadyServeUntilProbed() {
        let state = recorded(ready: ["web-0", "web-1"])
        let ports = ControlPlane.readyPorts(
            [
                status("web-0", port: 20000, ready: false, adopted: true),  // not probed yet: was ready, still serves
                status("web-1", port: 20001, ready: false, adopted: true, probed: true),  // probed and failing: out
                status("web-2", port: 20002, ready: false, adopted: true),  // never recorded ready: out
                status("web-3", port: 20003, ready: true),
            ],
            recorded: state)
        #expect(ports == ["web-0": 20000, "web-3": 20003])
    }

    /// An instance this agent started itself is ready only when it says so.
    @Test func startedInstancesServeOnlyWhenReady() {
        let ports = ControlPlane.readyPorts([status("web-0", port: 20000, ready: false)], recorded: recorded(ready: ["web-0"]))
        #expect(ports.isEmpty)
    }
}
