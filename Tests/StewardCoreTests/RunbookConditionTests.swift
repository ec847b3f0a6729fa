import Testing
@testable import StewardCore

@Suite struct RunbookConditionTests {
    let ran = RunbookCondition.Outcome.ran(RunbookStepResult(succeeded: true, exitCode: 0, rows: 3, value: "3", output: "ok\nPONG"))
    let failed = RunbookCondition.Outcome.ran(.failure("connection refused"))

    @Test func flagsReadSuccessFailureAndSkips() throws {
        #expect(try RunbookCondition(parsing: "steps.a.succeeded").holds(given: ran))
        #expect(try !RunbookCondition(parsing: "steps.a.succeeded").holds(given: failed))
        #expect(try RunbookCondition(parsing: "steps.a.failed").holds(given: failed))
        #expect(try RunbookCondition(parsing: "not steps.a.failed").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.skipped").holds(given: .skipped))
        #expect(try RunbookCondition(parsing: "steps.a.succeeded == false").holds(given: failed))
        #expect(try !RunbookCondition(parsing: "steps.a.succeeded != false").holds(given: failed))
    }

    @Test func comparisonsAreNumericWhenBothSidesAreNumbers() throws {
        #expect(try RunbookCondition(parsing: "steps.a.value > 0").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.rows >= 3").holds(given: ran))
        #expect(try !RunbookCondition(parsing: "steps.a.rows < 3").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.value == 3.0").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.exitCode == 0").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.output contains PONG").holds(given: ran))
        #expect(try RunbookCondition(parsing: "steps.a.value != 'three words here'").holds(given: ran))
    }

    @Test func aFieldTheStepDidNotProduceMakesItFalse() throws {
        #expect(try !RunbookCondition(parsing: "steps.a.status == 200").holds(given: ran))
        #expect(try !RunbookCondition(parsing: "steps.a.value > 0").holds(given: .skipped))
        #expect(try !RunbookCondition(parsing: "steps.a.succeeded").holds(given: nil))
        #expect(try !RunbookCondition(parsing: "steps.a.value > abc").holds(given: ran))
    }

    @Test(arguments: [
        "", "steps.a", "step.a.succeeded", "steps.a.size > 1", "steps.a.rows", "steps.a.rows ~ 1", "not steps.a.rows > 1",
        "steps.a.succeeded > true", "steps.a.rows > 1 and", "steps..succeeded",
    ])
    func malformedConditionsAreRefusedWithAReason(text: String) {
        #expect(throws: RunbookCondition.ParseError.self) { try RunbookCondition(parsing: text) }
    }
}
