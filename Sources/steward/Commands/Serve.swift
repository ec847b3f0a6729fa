import ArgumentParser
import Foundation
import Hummingbird
import Logging
import StewardAgent
import StewardCore
import StewardRuntime
import StewardServer

extension Steward {
    /// `steward serve`: the control plane and its API.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the control plane: the event log, the deployer and the HTTP API.",
            discussion: """
                On first start it creates an admin token, prints it once and writes it to DATA_DIR/admin.token. \
                Instances run under an agent (`steward agent`); the control plane can be stopped or killed \
                at any time and resumes from its log.
                """
        )

        @Option(help: "The stack file.")
        var stack: String = "steward.yaml"

        @Option(help: "Where the event log and tokens are kept.")
        var dataDir: String = ".steward"

        @Option(help: "Address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "Port to listen on.")
        var port: Int = 7070

        @Option(help: "URL of the agent that runs the instances.")
        var agent: String = "http://127.0.0.1:7071"

        @Option(help: "File holding the agent's token (default: DATA_DIR/agent/agent.token).")
        var agentTokenFile: String?

        @Option(help: "Admin URL of the traffic proxy (`steward proxy`) that serves the services' stable ports (default: http://127.0.0.1:7072 when DATA_DIR/proxy/proxy.token exists, else none).")
        var proxy: String?

        @Option(help: "File holding the proxy's token (default: DATA_DIR/proxy/proxy.token).")
        var proxyTokenFile: String?

        @Option(help: "The environment whose services listen on their stable `port:` (default: the stack's first environment).")
        var trafficEnv: String?

        @Option(help: "Base URL of a Prometheus that scrapes the proxy's /metrics; canary analysis and rollback rules then query it (default: the proxy's own windows).")
        var prometheus: String?

        func validate() throws {
            guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535, got \(port)") }
            if let prometheus, URLComponents(string: prometheus)?.host == nil || !prometheus.hasPrefix("http") {
                throw ValidationError("--prometheus must be an http(s) URL such as http://127.0.0.1:9090, got '\(prometheus)'")
            }
        }

        func run() async throws {
            let tokenFile = agentTokenFile ?? AgentCredentials.tokenPath(stateDirectory: dataDir + "/agent")
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                printError("error: cannot read the agent token at \(tokenFile); start `steward agent` first or pass --agent-token-file")
                throw ExitCode(1)
            }
            let proxyClient: ProxyClient?
            do {
                proxyClient = try ProxyOptions.client(url: proxy, tokenFile: proxyTokenFile, dataDirectory: dataDir)
            } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
            let server: ControlPlaneServer
            do {
                server = try ControlPlaneServer(
                    dataDirectory: dataDir, stackPath: stack,
                    agent: AgentClient(baseURL: agent, token: token.trimmingCharacters(in: .whitespacesAndNewlines)),
                    host: host, port: port, proxy: proxyClient, trafficEnvironment: trafficEnv,
                    metricsProvider: prometheus.map { PrometheusMetricsProvider(client: PrometheusClient(baseURL: $0)) })
            } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
            // Said on every start: a declared control that nothing enforces must not pass silently.
            for warning in server.stackWarnings { printError(warning.description) }
            if let created = server.createdAdminToken {
                printError("created admin token (also in \(dataDir)/admin.token): \(created)")
            }
            let routing = proxyClient.map { "proxy \($0.baseURL)" } ?? "no proxy: stable ports are not served"
            printError("steward control plane on http://\(host):\(port) (agent \(agent), \(routing))")
            try await server.application.runService()
        }
    }

    /// `steward agent`: the host agent.
    struct Agent: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the host agent that starts, probes, restarts and stops instances on this machine.",
            discussion: """
                Instances keep running when the agent stops or is killed; a new agent on the same state \
                directory adopts them, starts the wanted ones that are gone and kills any it cannot account for.
                """
        )

        @Option(help: "Where the agent keeps instance records, logs and its token.")
        var stateDir: String = ".steward/agent"

        @Option(help: "Address to listen on.")
        var host: String = "127.0.0.1"

        @Option(help: "Port to listen on.")
        var port: Int = 7071

        func validate() throws {
            guard (1...65535).contains(port) else { throw ValidationError("--port must be 1–65535, got \(port)") }
        }

        func run() async throws {
            let token = try AgentCredentials.loadOrCreate(stateDirectory: stateDir)
            let supervisor = try Supervisor(stateDirectory: stateDir, prober: Prober())
            await supervisor.recoverIfNeeded()
            let application = Application(
                router: AgentRoutes.router(supervisor: supervisor, token: token),
                configuration: .init(address: .hostname(host, port: port), serverName: "steward-agent"),
                services: [SupervisorService(supervisor: supervisor)])
            printError("steward agent \(supervisor.agentID) on http://\(host):\(port) (state in \(stateDir))")
            try await application.runService()
        }
    }
}
