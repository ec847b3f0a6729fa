import Foundation
import Hummingbird
import Logging
import NIOCore
import StewardTesting
import Synchronization

/// An upstream served in the test process on a free port: names itself, echoes bodies as they come,
/// streams bodies of any size, shows the headers it got, and counts the connections it accepted.
final class TestUpstream: Sendable {
    let name: String
    let port: Int
    private let task: Task<Void, any Error>
    private let counter: ConnectionCounter.Count

    var address: String { "127.0.0.1:\(port)" }
    /// Connections accepted so far.
    var connections: Int { counter.value.load(ordering: .relaxed) }

    private init(name: String, port: Int, task: Task<Void, any Error>, counter: ConnectionCounter.Count, gate: Gate, progress: Progress) {
        self.gate = gate
        self.progress = progress
        self.name = name
        self.port = port
        self.task = task
        self.counter = counter
    }

    /// Holds `GET /hold` answers half-way until opened.
    let gate: Gate

    /// How far `GET /bytes/N` answers got.
    let progress: Progress

    final class Progress: Sendable {
        /// Bytes handed to the server so far.
        let written = Atomic<Int>(0)
        /// Writes waiting for the connection to take them (the server applies backpressure).
        let writing = Atomic<Int>(0)
    }

    static func start(name: String) async throws -> TestUpstream {
        let gate = Gate()
        let progress = Progress()
        let port = try FreePort.next()
        let count = ConnectionCounter.Count()
        let router = Router()
        router.get("/name") { _, _ in name }
        router.post("/echo") { request, _ in
            // The body is passed on as it arrives, never collected.
            Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(asyncSequence: request.body))
        }
        router.get("/bytes/:count") { _, context in
            let total = try context.parameters.require("count", as: Int.self)
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream", .contentLength: "\(total)"],
                body: .init { writer in
                    var sent = 0
                    while sent < total {
                        let size = min(64 * 1024, total - sent)
                        progress.writing.add(1, ordering: .relaxed)
                        try await writer.write(ByteBuffer(repeating: UInt8(truncatingIfNeeded: sent / 65536), count: size))
                        progress.writing.subtract(1, ordering: .relaxed)
                        progress.written.add(size, ordering: .relaxed)
                        sent += size
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/hold") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: .init { writer in
                    try await writer.write(ByteBuffer(string: "first,"))
                    await gate.wait()
                    try await writer.write(ByteBuffer(string: "last from \(name)"))
                    try await writer.finish(nil)
                })
        }
        router.get("/headers") { request, _ in
            var lines: [String] = []
            for field in request.headers { lines.append("\(field.name.canonicalName.lowercased()): \(field.value)") }
            return lines.sorted().joined(separator: "\n")
        }
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ConnectionCounter(count: count)])),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: Self.quiet)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        try await eventually("upstream \(name) to listen on \(port)") { FreePort.isListening(port) }
        // The probe's connection is counted when the server accepts it, which may come a moment
        // later: wait for it, so that tests counting connections start from a settled count.
        try await eventually("upstream \(name) to count the probe's connection") { count.value.load(ordering: .relaxed) >= 1 }
        return TestUpstream(name: name, port: port, task: task, counter: count, gate: gate, progress: progress)
    }

    func stop() { task.cancel() }

    /// Cancelling the server at the end of a test is expected; its complaints about it are not news.
    private static let quiet: Logger = {
        var logger = Logger(label: "test-upstream")
        logger.logLevel = .critical
        return logger
    }()

    deinit { task.cancel() }
}

/// Counts connections: one handler instance is added to each accepted connection.
final class ConnectionCounter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    final class Count: Sendable {
        let value = Atomic<Int>(0)
    }

    private let count: Count

    init(count: Count) { self.count = count }

    func handlerAdded(context: ChannelHandlerContext) {
        count.value.add(1, ordering: .relaxed)
    }
}

/// A gate answers wait at until the test opens it.
final class Gate: Sendable {
    private struct State {
        var open = false
        var arrived = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// How many answers reached the gate so far.
    var arrived: Int { state.withLock { $0.arrived } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let passes = state.withLock { state in
                state.arrived += 1
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if passes { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
