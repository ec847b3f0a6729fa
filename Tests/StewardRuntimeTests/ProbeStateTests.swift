import Foundation
import StewardCore
import StewardRuntime
import Testing

/// The pure threshold logic that turns probe results into passing/failing.
@Suite struct ProbeStateTests {
    let pass = ProbeResult.passed("ok")
    let fail = ProbeResult.failed("HTTP 503 from /readyz")

    func spec(failures: Int = 3, successes: Int = 1) -> ProbeSpec {
        ProbeSpec(check: .tcp(port: 1), failureThreshold: failures, successThreshold: successes)
    }

    /// A new state is unknown and has no result.
    @Test func startsUnknown() {
        let state = ProbeState()
        #expect(state.status == .unknown)
        #expect(!state.isPassing)
        #expect(state.lastResult == nil)
    }

    /// With a success threshold of 1, the first success makes the target passing, and further successes change nothing.
    @Test func firstSuccessPassesWithThresholdOne() {
        var state = ProbeState()
        #expect(state.record(pass, spec: spec()) == .becamePassing)
        #expect(state.isPassing)
        #expect(state.record(pass, spec: spec()) == nil)
        #expect(state.consecutiveSuccesses == 2)
    }

    /// A passing target becomes failing only after `failureThreshold` consecutive failures.
    @Test func failingNeedsConsecutiveFailures() {
        var state = ProbeState()
        state.record(pass, spec: spec())
        #expect(state.record(fail, spec: spec()) == nil)
        #expect(state.record(fail, spec: spec()) == nil)
        #expect(state.status == .passing)
        #expect(state.record(fail, spec: spec()) == .becameFailing)
        #expect(state.status == .failing)
        #expect(state.record(fail, spec: spec()) == nil)
        #expect(state.consecutiveFailures == 4)
        #expect(state.lastResult == fail)
    }

    /// A success in between resets the failure count.
    @Test func successResetsFailureCount() {
        var state = ProbeState()
        state.record(pass, spec: spec())
        state.record(fail, spec: spec())
        state.record(fail, spec: spec())
        state.record(pass, spec: spec())
        #expect(state.consecutiveFailures == 0)
        #expect(state.record(fail, spec: spec()) == nil)
        #expect(state.record(fail, spec: spec()) == nil)
        #expect(state.status == .passing)
    }

    /// A failing target recovers only after `successThreshold` consecutive successes.
    @Test func recoveryNeedsConsecutiveSuccesses() {
        var state = ProbeState()
        let strict = spec(failures: 1, successes: 2)
        #expect(state.record(fail, spec: strict) == .becameFailing)
        #expect(state.record(pass, spec: strict) == nil)
        #expect(state.record(fail, spec: strict) == nil)
        #expect(state.record(pass, spec: strict) == nil)
        #expect(state.record(pass, spec: strict) == .becamePassing)
    }

    /// From unknown, enough failures make the target failing without ever passing.
    @Test func unknownBecomesFailing() {
        var state = ProbeState()
        let spec = spec(failures: 2)
        #expect(state.record(fail, spec: spec) == nil)
        #expect(state.status == .unknown)
        #expect(state.record(fail, spec: spec) == .becameFailing)
    }

    /// Thresholds below one behave like one.
    @Test func zeroThresholdsCountAsOne() {
        var state = ProbeState()
        let spec = spec(failures: 0, successes: 0)
        #expect(state.record(fail, spec: spec) == .becameFailing)
        #expect(state.record(pass, spec: spec) == .becamePassing)
    }

    /// The state round-trips through JSON (the agent reports it).
    @Test func isCodable() throws {
        var state = ProbeState()
        state.record(fail, spec: spec())
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(ProbeState.self, from: data) == state)
    }
}
