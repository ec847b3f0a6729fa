#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import NIOCore

/// `demo-app`: a small HTTP service with the guides' health endpoints, Prometheus metrics and fault injection.
///
/// Everything is configured through environment variables (see ``DemoConfiguration``). Nothing slow happens
/// before the socket is bound: the database is only contacted by `/api/health/readyz`.
public enum DemoAppMain {
    /// Reads the configuration from the environment and serves until SIGTERM or SIGINT.
    public static func run() async {
        let startedAt = ContinuousClock.now
        let configuration: DemoConfiguration
        do {
            configuration = try DemoConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error("demo-app: invalid configuration: \(error)")
            exit(2)
        }
        if configuration.crashOnStart {
            Console.error("demo-app: CRASH_ON_START is set, exiting with status 1")
            exit(1)
        }

        let metrics = Metrics()
        let readiness = Readiness(configuration: configuration, startedAt: startedAt)
        let router = DemoRouter.build(configuration: configuration, metrics: metrics, readiness: readiness)
        let version = configuration.version
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port)),
            onServerRunning: { channel in
                // The bound port, so that PORT=0 reports the one the kernel chose.
                let port = channel.localAddress?.port ?? configuration.port
                Console.output("demo-app \(version) listening on \(host):\(port)")
            }
        )
        do {
            try await app.runService()
        } catch {
            Console.error("demo-app: server failed: \(error)")
            exit(1)
        }
    }
}
