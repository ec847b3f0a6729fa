public import HTTPTypes
public import Hummingbird
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import StewardCore

/// Conditional GETs and long polls over a JSON representation: `ETag`, `If-None-Match`, `waitMs`.
///
/// A client that sends back the `ETag` it was given in `If-None-Match` gets `304 Not Modified`
/// while the representation is the same; with `?waitMs=N` the server first waits up to N ms for
/// it to change (woken by the change itself), so a client follows a resource with one request
/// per change instead of polling it.
public enum ConditionalAnswer {
    /// The longest wait a request may ask for.
    public static let maximumWait = 60_000

    /// Answers `render()`'s JSON, or `304` while it still matches the request's `If-None-Match`.
    ///
    /// - Parameters:
    ///   - request: where `If-None-Match` and `waitMs` come from.
    ///   - generation: the change counter's value now; read before `render`, so no change between
    ///     the two is missed.
    ///   - waitForChange: returns once the counter passed the given value, or after the duration.
    ///   - render: the representation as it stands; it may throw (a 404 ends the wait).
    /// - Throws: ``APIError`` 400 for a `waitMs` outside 0...60000, or what `render` throws.
    public static func response(
        to request: Request,
        generation: @Sendable () -> UInt64,
        waitForChange: @Sendable (UInt64, Duration) async -> Void,
        render: () async throws -> any Encodable
    ) async throws -> Response {
        let waitMs = try request.integerParameter("waitMs", in: 0...maximumWait) ?? 0
        let known = request.headers[.ifNoneMatch].map(Self.tags) ?? []
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        while true {
            let seen = generation()
            let data = try JSONEncoder.steward.encode(await render())
            let tag = entityTag(of: data)
            // `*` is not honoured: "any representation" never changes, so a long poll on it could only time out.
            guard known.contains(tag) else {
                return Response(
                    status: .ok, headers: [.contentType: "application/json; charset=utf-8", .eTag: tag, .cacheControl: "no-cache"],
                    body: .init(byteBuffer: ByteBuffer(data: data)))
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero, !Task.isCancelled else {
                return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "no-cache"])
            }
            await waitForChange(seen, left)
        }
    }

    /// A strong entity tag for a body: a quoted hex prefix of its SHA-256.
    public static func entityTag(of data: Data) -> String {
        let digest = SHA256.hash(data: data)
        return "\"" + Hex.string(digest.prefix(12)) + "\""
    }

    /// The tags of an `If-None-Match` value (`"a", "b"`); a weak tag (`W/"a"`) counts as `"a"`.
    static func tags(_ value: String) -> [String] {
        value.split(separator: ",").map { part in
            let tag = part.trimmingCharacters(in: .whitespaces)
            return tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        }
    }
}
