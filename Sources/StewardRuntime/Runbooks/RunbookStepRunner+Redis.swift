import StewardCore

extension RunbookStepRunner {
    /// Sends one command to a `redis://` URL (after `AUTH` and `SELECT` from the URL) and reports its reply.
    ///
    /// - Returns: `value` and `output` both the reply as text: an integer as decimal, a simple or
    ///   bulk string as it is, a nil bulk as "(nil)", an array as one line per element (nested
    ///   arrays indented by two spaces per level). Replies of any size are read to their end; like
    ///   output, a long one keeps its end. An error reply fails the step with its message.
    public func redis(url: String, command: [String], timeout: Duration) async -> RunbookStepResult {
        let timeout = Self.limited(timeout)
        let address: RedisAddress
        do {
            address = try RedisAddress(parsing: url)
        } catch {
            return .failure("\(error)")
        }
        guard let name = command.first, !name.isEmpty else { return .failure("no redis command to send") }
        let group = eventLoopGroup
        return await Self.bounded(timeout, describing: "redis \(URLText.redactingPassword(url))") {
            let reply = try await RedisSession.withConnection(
                to: address, timeout: Self.span(timeout), closeAfter: timeout + .milliseconds(100), eventLoopGroup: group
            ) { exchange in
                try await exchange.send(command)
            }
            switch reply {
            case .text(let text):
                return RunbookStepResult(succeeded: true, value: text, output: text)
            case .error(let message):
                return RunbookStepResult(
                    succeeded: false, output: "(error) \(message)", error: "redis \(name.uppercased()) failed: \(message)")
            }
        }
    }
}
