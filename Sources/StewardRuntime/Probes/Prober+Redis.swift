import StewardCore

extension Prober {
    /// Sends `PING` (after `AUTH` and `SELECT` when the URL asks for them) and expects `PONG`.
    func runRedis(url: String, timeout: TimeSpan) async throws -> String {
        let address = try RedisAddress(parsing: url)
        let reply = try await RedisSession.withConnection(
            to: address, timeout: timeout, closeAfter: timeout.duration, eventLoopGroup: eventLoopGroup
        ) { exchange in
            try await exchange.send(["PING"])
        }
        switch reply {
        case .error(let message):
            throw ProbeFailure("redis PING failed at \(HTTPAddress.hostPort(address.host, address.port)): \(message)")
        case .text(let text) where text != "PONG":
            throw ProbeFailure("redis answered PING with '\(text)', expected 'PONG'")
        case .text:
            return "PONG"
        }
    }
}
