import Foundation
import NIOCore
import NIOPosix
import StewardCore

extension Prober {
    /// Sends `PING` (after `AUTH` and `SELECT` when the URL asks for them) and expects `+PONG`.
    ///
    /// Speaks RESP directly: the replies to these commands are single lines.
    func runRedis(url: String, timeout: TimeSpan) async throws -> String {
        let address = try RedisAddress(parsing: url)
        var commands: [[String]] = []
        if let password = address.password {
            commands.append(address.user.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if let database = address.database { commands.append(["SELECT", String(database)]) }
        commands.append(["PING"])
        var request = ByteBuffer()
        for command in commands { request.writeString(RedisAddress.encode(command)) }

        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.milliseconds(timeout.milliseconds))
            .connect(host: address.host, port: address.port) { channel in
                // Closed at the deadline even if nobody is waiting any more: a silent server leaks nothing.
                channel.eventLoop.scheduleTask(in: .milliseconds(timeout.milliseconds)) { channel.close(promise: nil) }
                return channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let replies = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(request)
            var received: [UInt8] = []
            var lines: [String] = []
            for try await chunk in inbound {
                received += chunk.readableBytesView
                while let end = received.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: received[..<end], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                    received.removeSubrange(...end)
                }
                if lines.count >= commands.count { break }
            }
            return lines
        }
        for (command, reply) in zip(commands, replies) where reply.hasPrefix("-") {
            let name = command[0]
            throw ProbeFailure("redis \(name) failed at \(HTTPAddress.hostPort(address.host, address.port)): \(reply.dropFirst())")
        }
        guard replies.count == commands.count else {
            throw ProbeFailure("redis at \(HTTPAddress.hostPort(address.host, address.port)) closed the connection before answering PING")
        }
        guard replies.last == "+PONG" else {
            throw ProbeFailure("redis answered PING with '\(replies.last ?? "")', expected 'PONG'")
        }
        return "PONG"
    }
}
