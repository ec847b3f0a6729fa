import NIOCore
import NIOPosix
import StewardCore

/// One Redis connection, opened for a probe or a runbook step and always closed again.
///
/// Speaks RESP2 directly. `AUTH` and `SELECT` from the URL are sent first, one at a time, each
/// reply checked before the next command: pipelined, a failed `SELECT` would let the step's
/// command (a `FLUSHDB`…) run against database 0.
enum RedisSession {
    /// Connects to `address` (within `timeout`), authenticates and selects the database, runs
    /// `body` and closes the connection.
    ///
    /// The connection is also closed `closeAfter` from now whatever happens: a silent server or a
    /// caller that stopped waiting (``Deadline``) leaks nothing.
    /// - Throws: ``ProbeFailure`` when `AUTH` or `SELECT` is refused or the server hangs up; network errors as they are.
    static func withConnection<Value>(
        to address: RedisAddress, timeout: TimeSpan, closeAfter: Duration, eventLoopGroup: any EventLoopGroup,
        _ body: (inout RedisExchange) async throws -> Value
    ) async throws -> Value {
        let closeAt = TimeAmount(clamping: closeAfter)
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.milliseconds(max(timeout.milliseconds, 1)))
            .connect(host: address.host, port: address.port) { channel in
                channel.eventLoop.scheduleTask(in: closeAt) { channel.close(promise: nil) }
                return channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let place = HTTPAddress.hostPort(address.host, address.port)
        return try await channel.executeThenClose { inbound, outbound in
            var exchange = RedisExchange(inbound: inbound.makeAsyncIterator(), outbound: outbound, place: place)
            if let password = address.password {
                try await exchange.expectOK(address.user.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            }
            if let database = address.database { try await exchange.expectOK(["SELECT", String(database)]) }
            return try await body(&exchange)
        }
    }
}

/// Commands and their replies on an open Redis connection, one at a time.
struct RedisExchange {
    fileprivate var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    fileprivate let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// `host:port`, for messages.
    let place: String
    /// Bytes received and not yet part of a reply.
    private var pending = ByteBuffer()

    fileprivate init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        place: String
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.place = place
    }

    /// Sends `command` and reads its whole reply, however many reads it takes.
    /// - Throws: ``ProbeFailure`` when the server hangs up first or does not speak RESP.
    mutating func send(_ command: [String]) async throws -> RedisReply {
        try await outbound.write(ByteBuffer(string: RedisAddress.encode(command)))
        var reader = RESPReader()
        while true {
            do {
                if let reply = try reader.read(&pending) { return reply }
            } catch let error as RESPReader.ProtocolError {
                throw ProbeFailure("redis at \(place) answered \(command[0]) with \(error.description), not RESP")
            }
            guard var chunk = try await inbound.next() else {
                throw ProbeFailure("redis at \(place) closed the connection before answering \(command[0])")
            }
            pending.writeBuffer(&chunk)
            pending.discardReadBytes()
        }
    }

    /// Sends `command` (AUTH, SELECT) and fails naming it when the reply is an error.
    fileprivate mutating func expectOK(_ command: [String]) async throws {
        if case .error(let message) = try await send(command) {
            throw ProbeFailure("redis \(command[0]) failed at \(place): \(message)")
        }
    }
}
