import Foundation
import StewardCore
import Testing

/// When a deployment window is open, in its own zone and across daylight-saving changes: fixed dates, no clock.
struct DeploymentWindowTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func window(_ text: String) throws -> DeploymentWindow { try DeploymentWindow(parsing: text) }

    /// `Sun 02:00-06:00 America/New_York` in November (EST, UTC-5) is open 07:00-11:00 UTC on Sunday, end excluded.
    @Test func sundayWindowInNewYorkOpensAndCloses() throws {
        let sunday = try Self.window("Sun 02:00-06:00 America/New_York")
        #expect(!sunday.isOpen(at: Self.date("2026-11-29T06:59:59Z")))
        #expect(sunday.isOpen(at: Self.date("2026-11-29T07:00:00Z")))
        #expect(sunday.isOpen(at: Self.date("2026-11-29T10:59:59Z")))
        #expect(!sunday.isOpen(at: Self.date("2026-11-29T11:00:00Z")))
        #expect(!sunday.isOpen(at: Self.date("2026-11-30T08:00:00Z")), "Monday")
        #expect(sunday.closing(after: Self.date("2026-11-29T08:00:00Z")) == Self.date("2026-11-29T11:00:00Z"))
        #expect(sunday.closing(after: Self.date("2026-11-29T12:00:00Z")) == nil)
    }

    /// The next opening after a Thursday is Sunday 02:00 local; at an instant inside the window it is that instant.
    @Test func nextOpeningIsTheNextLocalStart() throws {
        let sunday = try Self.window("Sun 02:00-06:00 America/New_York")
        #expect(sunday.nextOpening(after: Self.date("2026-11-26T09:30:00Z")) == Self.date("2026-11-29T07:00:00Z"))
        let inside = Self.date("2026-11-29T08:15:00Z")
        #expect(sunday.nextOpening(after: inside) == inside)
        #expect(sunday.nextOpening(after: Self.date("2026-11-29T11:00:00Z")) == Self.date("2026-12-06T07:00:00Z"))
    }

    /// Local hours hold across DST: 02:00 EDT is 06:00 UTC, 02:00 EST is 07:00 UTC; on the night the clocks
    /// go back (1 Nov 2026) 02:00 happens once, after the change; on the night they go forward (8 Mar 2026)
    /// 02:00 does not exist and the window opens at the first instant after the gap (03:00 EDT).
    @Test func windowKeepsLocalHoursAcrossDaylightSaving() throws {
        let sunday = try Self.window("Sun 02:00-06:00 America/New_York")
        #expect(sunday.nextOpening(after: Self.date("2026-10-20T00:00:00Z")) == Self.date("2026-10-25T06:00:00Z"))
        #expect(sunday.nextOpening(after: Self.date("2026-10-31T12:00:00Z")) == Self.date("2026-11-01T07:00:00Z"))
        #expect(sunday.isOpen(at: Self.date("2026-11-01T10:30:00Z")), "05:30 EST")
        #expect(!sunday.isOpen(at: Self.date("2026-11-01T11:00:00Z")), "06:00 EST")
        #expect(sunday.nextOpening(after: Self.date("2026-03-07T12:00:00Z")) == Self.date("2026-03-08T07:00:00Z"))
        #expect(sunday.isOpen(at: Self.date("2026-03-08T09:59:00Z")), "05:59 EDT")
        #expect(!sunday.isOpen(at: Self.date("2026-03-08T10:00:00Z")), "06:00 EDT")
        #expect(sunday.nextOpening(after: Self.date("2026-03-09T00:00:00Z")) == Self.date("2026-03-15T06:00:00Z"))
    }

    /// Business hours skip the weekend; a window crossing midnight belongs to the day it opens on.
    @Test func rangesOfDaysAndWindowsAcrossMidnight() throws {
        let business = try Self.window("Mon-Fri 09:00-17:00 America/New_York")
        #expect(business.isOpen(at: Self.date("2026-11-27T21:59:00Z")), "Friday 16:59 EST")
        #expect(business.nextOpening(after: Self.date("2026-11-27T22:00:00Z")) == Self.date("2026-11-30T14:00:00Z"))
        let night = try Self.window("Fri 22:00-02:00 UTC")
        #expect(night.isOpen(at: Self.date("2026-11-28T01:00:00Z")), "Saturday 01:00 belongs to Friday's window")
        #expect(!night.isOpen(at: Self.date("2026-11-28T02:00:00Z")))
        #expect(!night.isOpen(at: Self.date("2026-11-29T01:00:00Z")), "Sunday 01:00: Saturday has no window")
        let always = try Self.window("daily 00:00-24:00 UTC")
        #expect(always.isOpen(at: Self.date("2026-11-29T23:59:59Z")))
    }

    /// A bad window in the stack file is an error at its line and column, saying what was found and expected.
    @Test func badWindowInTheStackFileIsPositioned() {
        let text = "stack: shop\nservices:\n  api:\n    command: /bin/api\nenvironments:\n  production:\n    window: Sun 02:00-06:00 Mars/Olympus\n"
        guard case .failure(let errors) = StackFile.parse(text, file: "steward.yaml") else {
            Issue.record("a window with an unknown zone parsed")
            return
        }
        let error = errors.errors[0]
        #expect(error.line == 7)
        #expect(error.column == 13)
        #expect(error.description.contains("Mars/Olympus"))
        #expect(error.description.contains("a time zone such as UTC or Europe/London"))
    }
}
