import ArgumentParser
import DemoAppKit

extension Steward {
    /// `steward demo-app`: the example service, built into this binary so the demo needs nothing else.
    struct DemoApp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo-app",
            abstract: "Run the example service (the same program as the demo-app executable).",
            discussion: "Configured by environment: PORT, APP_VERSION, DATABASE_URL, ERROR_RATE, LATENCY_MS, FAIL_HEALTH, CRASH_ON_START."
        )

        func run() async throws {
            await DemoAppMain.run()
        }
    }
}
