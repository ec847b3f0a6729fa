import Foundation
public import Hummingbird
import Logging
import StewardCore
import StewardHTTP
public import StewardOps
import StewardRuntime
import StewardStore

/// Everything `steward serve` runs: the store, the control plane and its HTTP API.
public struct ControlPlaneServer: Sendable {
    public let controlPlane: ControlPlane
    public let application: Application<RouterResponder<StewardRequestContext>>
    /// The admin token when it was created by this start (shown once).
    public let createdAdminToken: String?

    /// Opens the store in `dataDirectory`, loads the stack and builds the API server.
    ///
    /// - Throws: ``StackLoader/Failure`` for a bad stack file, or a store error; nothing
    ///   is written before the stack file validated.
    public init(
        dataDirectory: String, stackPath: String, agent: AgentClient, host: String, port: Int,
        logger: Logger = Logger(label: "steward.server")
    ) throws {
        let loaded = try StackLoader.load(stackPath)
        try PrivateFiles.prepareDirectory(dataDirectory)
        let log = try EventLog.open(path: dataDirectory + "/steward.db")
        createdAdminToken = try AdminToken.ensure(log: log, dataDirectory: dataDirectory)
        try PrivateFiles.restrictFiles(in: dataDirectory)
        let baseDirectory = (loaded.path as NSString).deletingLastPathComponent
        let controlPlane = try ControlPlane(log: log, agent: agent, baseDirectory: baseDirectory, logger: logger)
        self.controlPlane = controlPlane
        let metrics = ServerMetrics()
        let router = APIRoutes.router(controlPlane: controlPlane, metrics: metrics)
        var application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "steward"),
            services: [ControlPlaneService(controlPlane: controlPlane)], logger: logger)
        let stack = loaded
        application.beforeServerStarts {
            await controlPlane.setOnAppend { _ in metrics.eventAppended() }
            try await controlPlane.apply(stack: stack.stack, digest: stack.digest, file: stack.path, actor: "steward")
        }
        self.application = application
    }
}
