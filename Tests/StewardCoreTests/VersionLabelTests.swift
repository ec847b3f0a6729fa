import Foundation
import StewardCore
import Testing

/// Version labels: printable ASCII, no whitespace, no `/` or `..`, 1 to 128 bytes.
@Suite struct VersionLabelTests {
    /// Ordinary versions (semantic, dated, commit-based, with build metadata) are valid.
    @Test(arguments: ["1.4.2", "v2", "2026-11-26.3", "sha-3f9c2e1", "1.0.0-rc.1+build.5", "a", "x:y@z~1"])
    func ordinaryVersionsAreValid(version: String) {
        #expect(VersionLabel.problem(in: version) == nil)
        #expect(VersionLabel.isValid(version))
    }

    /// Exactly the maximum length is valid; one byte more is not, and the message says how long it is.
    @Test func lengthLimitIsInBytes() throws {
        let limit = VersionLabel.maximumBytes
        #expect(VersionLabel.isValid(String(repeating: "1", count: limit)))
        let problem = try #require(VersionLabel.problem(in: String(repeating: "1", count: limit + 1)))
        #expect(problem.contains("\(limit + 1) bytes"))
        #expect(problem.contains("\(limit)"))
    }

    /// Each kind of bad version is refused with a message naming what is wrong and what is expected.
    @Test(arguments: [
        ("", "empty"), ("1.4 2", "space"), ("1.4\t2", "whitespace"), ("1.4\n", "whitespace"),
        ("../etc", "'/'"), ("release/1", "'/'"), ("1..2", "'..'"), ("..", "'..'"), ("1.4.2é", "non-ASCII"),
        ("1\u{0}2", "control"), ("1\u{7F}", "control"), ("v\u{2028}1", "non-ASCII"),
    ])
    func badVersionsAreRefusedSayingWhy(version: String, what: String) throws {
        let problem = try #require(VersionLabel.problem(in: version), "accepted \(version.debugDescription)")
        #expect(problem.contains(what), "\(problem)")
        #expect(problem.contains("expected"), "\(problem)")
        #expect(!problem.contains("\n"), "a message is one line")
    }

    /// The message says where the offending character is.
    @Test func messageGivesThePosition() throws {
        let problem = try #require(VersionLabel.problem(in: "1.4/2"))
        #expect(problem.contains("character 4"), "\(problem)")
    }

    /// The length is counted in bytes: 65 two-byte characters are reported as too long (130 bytes).
    @Test func lengthIsCountedInBytes() throws {
        let problem = try #require(VersionLabel.problem(in: String(repeating: "é", count: 65)))
        #expect(problem.contains("130 bytes"), "\(problem)")
    }
}
