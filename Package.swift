// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "steward",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "steward", targets: ["steward"]),
        .executable(name: "demo-app", targets: ["demo-app"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // Pure model and decisions: stack file, deployment machine, hash chain rules. No I/O.
        .target(
            name: "StewardCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Durable state: the hash-chained event log on SQLite.
        .target(
            name: "StewardStore",
            dependencies: [
                "StewardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // posix_spawn with a new process group, a working directory and closed descriptors.
        .target(name: "CStewardSpawn"),
        // Where instances run and how they are probed: local processes, log files, probes, the agent client.
        .target(
            name: "StewardRuntime",
            dependencies: [
                "StewardCore",
                "CStewardSpawn",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the agent's and the control plane's HTTP APIs share: JSON answers, errors, bearer auth.
        .target(
            name: "StewardHTTP",
            dependencies: [
                "StewardCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The host agent: supervises instances on one host behind a small authenticated HTTP API.
        .target(
            name: "StewardAgent",
            dependencies: [
                "StewardCore",
                "StewardRuntime",
                "StewardHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The traffic layer: a reverse proxy splitting requests between releases by weight, as its own process.
        .target(
            name: "StewardProxy",
            dependencies: [
                "StewardHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Engines that act on decisions: the deployer and the reconciler.
        .target(
            name: "StewardOps",
            dependencies: [
                "StewardCore",
                "StewardStore",
                "StewardRuntime",
                "StewardBackup",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Verified logical PostgreSQL backups: create (pg_dump -Fc), verify (restore into scratch), restore beside + swap.
        .target(
            name: "StewardBackup",
            dependencies: [
                "StewardCore",
                "StewardRuntime",
                "CStewardSpawn",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // S3-compatible storage for backups and bucket mirrors (SigV4 over plain HTTP requests).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The control plane's HTTP API, auth and /metrics.
        .target(
            name: "StewardServer",
            dependencies: [
                "StewardCore",
                "StewardStore",
                "StewardRuntime",
                "StewardOps",
                "StewardHTTP",
                "StewardBackup",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: a client of the API, plus `serve`, `agent` and `demo`.
        .executableTarget(
            name: "steward",
            dependencies: [
                "StewardCore",
                "StewardStore",
                "StewardRuntime",
                "StewardAgent",
                "StewardOps",
                "StewardServer",
                "StewardHTTP",
                "StewardProxy",
                "StewardBackup",
                "DemoAppKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small service with the guides' health endpoints and fault injection.
        .target(
            name: "DemoAppKit",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "demo-app",
            dependencies: ["DemoAppKit"],
            path: "Sources/demo-app",
            swiftSettings: swiftSettings
        ),
        // Test helpers: real PostgreSQL and Redis servers in temp dirs, free ports, waiting on conditions.
        .target(
            name: "StewardTesting",
            dependencies: ["StewardCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardCoreTests",
            dependencies: ["StewardCore", "StewardTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardStoreTests",
            dependencies: ["StewardStore", "StewardTesting", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardRuntimeTests",
            dependencies: [
                "StewardRuntime", "StewardTesting",
                // A second PostgreSQL session (held idle in transaction) for the runbook SQL tests.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardOpsTests",
            dependencies: ["StewardOps", "StewardCore", "StewardRuntime", "StewardTesting", "StewardBackup", "StewardStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardBackupTests",
            dependencies: [
                "StewardBackup", "StewardCore", "StewardTesting",
                // Sets up and inspects the databases the tests back up.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardServerTests",
            dependencies: [
                "StewardServer", "StewardStore", "StewardTesting", "StewardOps", "StewardHTTP", "StewardRuntime",
                "StewardBackup",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StewardProxyTests",
            dependencies: [
                "StewardProxy", "StewardTesting", "steward", "demo-app",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["steward", "demo-app", "StewardCore", "StewardRuntime", "StewardTesting", "StewardStore"],
            swiftSettings: swiftSettings
        ),
    ]
)
