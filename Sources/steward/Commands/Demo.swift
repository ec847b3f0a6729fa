import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals
import StewardAgent
import StewardCore
import StewardOps
import StewardRuntime
import StewardServer

extension Steward {
    /// `steward demo`: agent, control plane and an example stack in one process.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an agent, the control plane and an example stack, and deploy it to development.",
            discussion: """
                Everything runs on embedded defaults: SQLite in DATA_DIR, local processes, loopback ports. \
                The example service is demo-app (this binary's `demo-app` command). Ctrl-C stops it all, \
                instances included.
                """
        )

        @Option(help: "Where the demo keeps its log, tokens and instance state.")
        var dataDir: String = ".steward"

        @Option(help: "Port of the control plane's API and dashboard.")
        var port: Int = 7070

        @Option(help: "Port of the agent.")
        var agentPort: Int = 7071

        @Option(help: "Admin port of the traffic proxy the demo starts (the app itself is on its stable port, 8080).")
        var proxyPort: Int = 7072

        @Option(help: "Version of the example service to deploy.")
        var version: String = "1.0.0"

        func validate() throws {
            for value in [port, agentPort, proxyPort] where !(1...65535).contains(value) {
                throw ValidationError("ports must be 1–65535, got \(value)")
            }
            guard Set([port, agentPort, proxyPort, 8080]).count == 4 else {
                throw ValidationError("--port, --agent-port, --proxy-port and the app's 8080 must differ")
            }
        }

        func run() async throws {
            var logger = Logger(label: "steward.demo")
            logger.logLevel = .warning
            let agentState = dataDir + "/agent"
            let agentToken = try AgentCredentials.loadOrCreate(stateDirectory: agentState)
            let supervisor = try Supervisor(stateDirectory: agentState, prober: Prober(), logger: logger)
            await supervisor.recoverIfNeeded()
            let agentApplication = Application(
                router: AgentRoutes.router(supervisor: supervisor, token: agentToken),
                configuration: .init(address: .hostname("127.0.0.1", port: agentPort), serverName: "steward-agent"),
                logger: logger)

            let stackPath = dataDir + "/demo-stack.yaml"
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            // The proxy is a child process of its own, as in production: traffic does not go
            // through the control plane's process. Ctrl-C stops it with the rest.
            let proxy = try await DemoProxy.start(
                executable: Self.ownExecutable(), stateDirectory: dataDir + "/proxy", adminPort: proxyPort,
                logPath: dataDir + "/proxy.log")
            defer { proxy.stop() }
            try DemoStack.yaml(executable: Self.ownExecutable()).write(toFile: stackPath, atomically: true, encoding: .utf8)
            let server: ControlPlaneServer
            do {
                server = try ControlPlaneServer(
                    dataDirectory: dataDir, stackPath: stackPath,
                    agent: AgentClient(baseURL: "http://127.0.0.1:\(agentPort)", token: agentToken),
                    host: "127.0.0.1", port: port, proxy: proxy.client, trafficEnvironment: "development", logger: logger)
            } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
            for warning in server.stackWarnings { printError(warning.description) }
            let driver = DemoDriver(
                controlPlane: server.controlPlane, version: version, apiURL: "http://127.0.0.1:\(port)",
                tokenPath: dataDir + "/admin.token")
            // Order is dependency: shutdown runs in reverse, so the control plane stops before
            // the supervisor stops the instances (and nothing restarts them meanwhile).
            let group = ServiceGroup(
                configuration: .init(
                    services: [
                        .init(service: SupervisorService(supervisor: supervisor, stopInstancesOnShutdown: true)),
                        .init(service: agentApplication),
                        .init(service: server.application),
                        .init(service: driver),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            printError("starting Steward demo (data in \(dataDir)) …")
            try await group.run()
        }

        /// The path of the running `steward` binary.
        static func ownExecutable() -> String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }
    }
}

/// Deploys the example service once everything is up, prints where things are, then waits.
struct DemoDriver: Service {
    let controlPlane: ControlPlane
    let version: String
    let apiURL: String
    let tokenPath: String

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await deployAndReport()
            try await gracefulShutdown()
        }
    }

    private func readyInstances(of release: Int) async -> Int {
        (await controlPlane.agentSnapshot?.instances ?? []).filter { $0.spec.release == release && $0.ready }.count
    }

    private func deployAndReport() async throws {
        let target = ServiceEnvironment(service: "web", environment: "development")
        while true {
            let ready = await controlPlane.state.stack != nil
            let reachable = await controlPlane.agentReachable
            if ready && reachable { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let deployment: Deployment
        if let running = await controlPlane.state.activeDeployment(for: target) {
            deployment = running
        } else if let serving = await controlPlane.state.currentRelease(for: target),
            let last = await controlPlane.state.deployments.values.filter({ $0.release == serving.number }).first
        {
            // A demo started before: its release comes back by itself (the control plane restarts
            // wanted instances that are missing); nothing to deploy.
            deployment = last
            while await readyInstances(of: serving.number) < serving.spec.instances {
                try await Task.sleep(for: .milliseconds(50))
            }
        } else {
            deployment = try await controlPlane.deploy(service: "web", environment: "development", version: version, actor: "demo")
        }
        printError("web \(version) → development (deployment \(deployment.id)) …")
        while let current = await controlPlane.state.deployments[deployment.id], !current.isFinished {
            try await Task.sleep(for: .milliseconds(50))
        }
        let finished = await controlPlane.state.deployments[deployment.id]
        guard finished?.phase == .succeeded else {
            printError("the demo deployment failed: \(finished?.reason ?? "unknown reason")")
            return
        }
        let release = finished?.release
        let instances = (await controlPlane.agentSnapshot?.instances ?? []).filter { $0.spec.release == release }
        let urls = instances.map { "http://127.0.0.1:\($0.port)/api/health/healthz" }
        let token = (try? String(contentsOfFile: tokenPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let message = """

            Steward demo is up.
              app:        http://127.0.0.1:8080/api/version   (the stable port, through the proxy)
              instances:  \(urls.joined(separator: "\n              "))
              dashboard:  \(apiURL)/#token=\(token)
              API:        \(apiURL)/api/v1/status   (token in \(tokenPath))
              metrics:    \(apiURL)/metrics
            Try, in another terminal:
              swift run steward status
              swift run steward deploy web --env development --version 1.1.0 --wait
              swift run steward rollback web --env development --wait
              swift run steward runbook run restart-web --env development
              swift run steward events
            Press Ctrl-C to stop.

            """
        FileHandle.standardOutput.write(Data(message.utf8))
    }
}

/// The example stack the demo runs: `demo-app` in three environments, and a runbook.
enum DemoStack {
    static func yaml(executable: String) -> String {
        """
        version: 1
        stack: demo
        services:
          web:
            command: \(executable)
            args: [demo-app]
            env:
              LOG_LEVEL: info
            port: 8080
            instances: 1
            readiness:
              http:
                path: /api/health/readyz
                expectJSON:
                  status: Ready
              interval: 2s
              timeout: 1s
            liveness:
              http:
                path: /api/health/healthz
              interval: 5s
              timeout: 1s
              failureThreshold: 3
            stopGracePeriod: 5s
            deploy:
              strategy: rolling
              maxSurge: 1
              readinessTimeout: 20s
        environments:
          development:
            promotesTo: staging
            instances:
              web: 2
          staging:
            promotesTo: production
          production:
            approvals: 1
            instances:
              web: 2
        runbooks:
          - name: restart-web
            description: Restart web after an approval (rolling, never below the ready count).
            steps:
              - name: confirm
                confirm: true
              - name: restart
                restart: web
                timeout: 2m
        """
    }
}
