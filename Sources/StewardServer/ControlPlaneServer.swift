import Foundation
public import Hummingbird
import Logging
import StewardCore
import StewardHTTP
public import StewardOps
public import StewardRuntime
import StewardStore

/// Everything `steward serve` runs: the store, the control plane and its HTTP API.
public struct ControlPlaneServer: Sendable {
    public let controlPlane: ControlPlane
    public let application: Application<RouterResponder<StewardRequestContext>>
    /// The admin token when it was created by this start (shown once).
    public let createdAdminToken: String?
    /// Keys of the stack file that are parsed but not enforced by this version.
    public let stackWarnings: [StackFile.Warning]

    /// Opens the store in `dataDirectory`, loads the stack and builds the API server.
    ///
    /// The secrets vault's key comes from `STEWARD_VAULT_KEY` in `environment` (base64) or from
    /// `DATA/vault.key`, created with mode 0600 on first start.
    ///
    /// - Throws: ``StackLoader/Failure`` for a bad stack file, or a store error; nothing
    ///   is written before the stack file validated.
    public init(
        dataDirectory: String, stackPath: String, agent: AgentClient, host: String, port: Int,
        proxy: ProxyClient? = nil, trafficEnvironment: String? = nil, metricsProvider: (any ReleaseMetricsProvider)? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "steward.server")
    ) throws {
        let loaded = try StackLoader.load(stackPath)
        stackWarnings = loaded.warnings
        if let trafficEnvironment, loaded.stack.environment(named: trafficEnvironment) == nil {
            let known = loaded.stack.environments.map(\.name).joined(separator: ", ")
            throw ControlPlaneError.invalid("the traffic environment '\(trafficEnvironment)' is not in the stack; it has: \(known)")
        }
        try PrivateFiles.prepareDirectory(dataDirectory)
        let log = try EventLog.open(path: dataDirectory + "/steward.db")
        createdAdminToken = try AdminToken.ensure(log: log, dataDirectory: dataDirectory)
        let vault = try Self.openVault(log: log, dataDirectory: dataDirectory, environment: environment, logger: logger)
        try PrivateFiles.restrictFiles(in: dataDirectory)
        let baseDirectory = (loaded.path as NSString).deletingLastPathComponent
        let controlPlane = try ControlPlane(
            log: log, agent: agent, vault: vault, baseDirectory: baseDirectory,
            backupDirectory: dataDirectory + "/backups", drillDirectory: dataDirectory + "/drills", proxy: proxy, trafficEnvironment: trafficEnvironment,
            metricsProvider: metricsProvider, logger: logger)
        self.controlPlane = controlPlane
        let metrics = ServerMetrics()
        let router = APIRoutes.router(controlPlane: controlPlane, metrics: metrics)
        var application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "steward"),
            services: [ControlPlaneService(controlPlane: controlPlane)], logger: logger)
        let stack = loaded
        application.beforeServerStarts {
            await controlPlane.setOnAppend { _ in metrics.eventAppended() }
            // The stack file given to `steward serve` wins at start; say so when it replaces one applied through the API.
            if let last = try log.latestEvents(limit: 1, typePrefix: "stack.applied", subjectPrefix: nil).first,
                last.actor != "steward", await controlPlane.state.stackDigest != stack.digest
            {
                logger.warning(
                    "\(stack.path) replaces the stack applied through the API by \(last.actor) (event \(last.seq)): the stack file given to steward serve wins at start")
            }
            try await controlPlane.apply(stack: stack.stack, digest: stack.digest, file: stack.path, actor: "steward")
        }
        self.application = application
    }

    /// The secrets vault over the store, under the key from the environment or `DATA/vault.key`.
    ///
    /// A vault holding values sealed under another key is reported at start (the secrets then
    /// fail to resolve with the same message) rather than refused: the other secrets and every
    /// other operation keep working while the right key is found.
    static func openVault(log: EventLog, dataDirectory: String, environment: [String: String], logger: Logger) throws
        -> SecretVault
    {
        let (key, source) = try VaultKey.load(dataDirectory: dataDirectory, environment: environment)
        let vault = SecretVault(log: log, key: key)
        logger.info("secrets vault key \(key.id) from \(source)")
        do {
            try vault.checkKey()
        } catch {
            logger.error("\(error)")
        }
        return vault
    }
}
