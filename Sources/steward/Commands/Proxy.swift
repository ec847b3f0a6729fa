import ArgumentParser
import Logging
import StewardProxy

extension Steward {
    /// `steward proxy`: the traffic proxy, a process of its own.
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the traffic proxy: each route's port, split between releases by weight.",
            discussion: """
                The routing table is set through the admin API (PUT /v1/routes, bearer token in \
                STATE_DIR/proxy.token), saved in STATE_DIR/routes.json before it is applied, and restored \
                at start. Traffic does not depend on the control plane or the agent: either may restart.
                """
        )

        @Option(help: "Where the proxy keeps its token and its routing table.")
        var stateDir: String = ".steward/proxy"

        @Option(help: "Port of the admin API.")
        var adminPort: Int = 7072

        @Option(help: "Address the admin API and the routes' listeners bind.")
        var host: String = "127.0.0.1"

        @Option(help: "Event loops (threads) carrying the traffic, like nginx's worker_processes (default: one per core).")
        var eventLoops: Int?

        func validate() throws {
            guard (1...65535).contains(adminPort) else {
                throw ValidationError("--admin-port must be 1–65535, got \(adminPort)")
            }
            if let eventLoops, !(1...256).contains(eventLoops) {
                throw ValidationError("--event-loops must be 1–256, got \(eventLoops)")
            }
        }

        func run() async throws {
            var logger = Logger(label: "steward.proxy")
            logger.logLevel = .info
            try await ProxyServer.run(
                stateDirectory: stateDir, host: host, adminPort: adminPort, eventLoops: eventLoops, logger: logger
            ) {
                printError($0)
            }
        }
    }
}
