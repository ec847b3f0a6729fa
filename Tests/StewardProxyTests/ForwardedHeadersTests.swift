import NIOHTTP1
import Testing

@testable import StewardProxy

/// The header rewriting and the per-connection randomness, as values: no socket.
@Suite struct ForwardedHeadersTests {
    /// Hop-by-hop headers and the ones `Connection` names go, whatever their case and spacing;
    /// end-to-end headers stay as sent.
    @Test func hopByHopHeadersGoWhateverTheirCase() {
        let headers = HTTPHeaders([
            ("Host", "example.com"), ("CONNECTION", "keep-alive,  X-Secret ,\tUpgrade"), ("Keep-Alive", "timeout=5"),
            ("x-secret", "1"), ("Proxy-Connection", "keep-alive"), ("TE", "trailers"), ("Accept", "*/*"),
            ("X-Secretive", "stays"),
        ])
        let kept = ForwardedHeaders.endToEnd(headers)
        #expect(kept.map(\.name) == ["Host", "Accept", "X-Secretive"])
    }

    /// A chunked body stays chunked (and loses any length); a length alone stays.
    @Test func bodyFramingIsKept() {
        let chunked = ForwardedHeaders.endToEnd(
            HTTPHeaders([("Transfer-Encoding", "Chunked"), ("Content-Length", "3")]))
        #expect(chunked["transfer-encoding"] == ["chunked"] && chunked["content-length"].isEmpty)
        let sized = ForwardedHeaders.endToEnd(HTTPHeaders([("Content-Length", "3")]))
        #expect(sized["content-length"] == ["3"])
    }

    /// A request without an id gets a new lowercase version-4 UUID, a different one each time;
    /// one that has an id keeps it.
    @Test func requestIDsAreUUIDsAndKept() {
        var random = ConnectionRandom(seed: 42)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        var seen: Set<String> = []
        for _ in 0..<10_000 {
            let made = ForwardedHeaders.upstreamRequest(head, clientAddress: "127.0.0.1", random: &random)
            let id = made.headers.first(name: "x-request-id") ?? ""
            let parts = id.split(separator: "-", omittingEmptySubsequences: false)
            #expect(parts.map(\.count) == [8, 4, 4, 4, 12], "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) }, "\(id)")
            #expect(parts[2].first == "4" && "89ab".contains(parts[3].first ?? "x"), "\(id)")
            seen.insert(id)
        }
        #expect(seen.count == 10_000)

        var withID = head
        withID.headers.add(name: "X-Request-Id", value: "req-42")
        let kept = ForwardedHeaders.upstreamRequest(withID, clientAddress: nil, random: &random)
        #expect(kept.headers["x-request-id"] == ["req-42"])
    }

    /// The draw is uniform enough to split by weight: 10 % of 100,000 draws land below 0.1, give or take 1 %.
    @Test func drawsAreUniform() {
        var random = ConnectionRandom(seed: 7)
        let below = (0..<100_000).filter { _ in Double.random(in: 0..<1, using: &random) < 0.1 }.count
        #expect((9_000...11_000).contains(below), "\(below)")
    }
}
