import Foundation

/// When a deployment window is open, read in its own time zone.
///
/// A window belongs to the day it opens on: `Fri 22:00-02:00 UTC` is open from Friday 22:00 to
/// Saturday 02:00. Times are wall-clock times in ``DeploymentWindow/timeZone``, so a window keeps
/// its local hours across daylight-saving changes; a local time that does not exist on a day
/// (02:30 on the night clocks go forward) is read as the first instant after the gap. Pure: the
/// caller passes the instant, nothing here reads a clock.
extension DeploymentWindow {
    /// Whether a deployment may start at `instant`.
    public func isOpen(at instant: Date) -> Bool {
        let calendar = self.calendar
        let today = calendar.startOfDay(for: instant)
        // The window of yesterday may still be open after midnight.
        for offset in [-1, 0] {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today),
                let span = opening(on: day, calendar: calendar)
            else { continue }
            if span.open <= instant && instant < span.close { return true }
        }
        return false
    }

    /// The first instant at or after `instant` at which the window is open: `instant` itself
    /// when it is open then; nil only for a window without days (the parser never makes one).
    public func nextOpening(after instant: Date) -> Date? {
        if isOpen(at: instant) { return instant }
        let calendar = self.calendar
        let today = calendar.startOfDay(for: instant)
        for offset in 0...8 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today),
                let span = opening(on: day, calendar: calendar), span.open > instant
            else { continue }
            return span.open
        }
        return nil
    }

    /// When the window that is open at `instant` closes; nil when it is closed then.
    public func closing(after instant: Date) -> Date? {
        let calendar = self.calendar
        let today = calendar.startOfDay(for: instant)
        for offset in [-1, 0] {
            guard let day = calendar.date(byAdding: .day, value: offset, to: today),
                let span = opening(on: day, calendar: calendar), span.open <= instant, instant < span.close
            else { continue }
            return span.close
        }
        return nil
    }

    /// A Gregorian calendar in the window's zone (UTC when the name is unknown, which parsing refuses).
    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The window opening on the local day that starts at `day`, if the window opens on that weekday.
    private func opening(on day: Date, calendar: Calendar) -> (open: Date, close: Date)? {
        // Calendar weekdays count from Sunday = 1; the window's are ISO (Monday = 1).
        let isoWeekday = (calendar.component(.weekday, from: day) + 5) % 7 + 1
        guard weekdays.contains(isoWeekday) else { return nil }
        let closesNextDay = endMinute <= startMinute
        guard let open = instant(on: day, minute: startMinute, calendar: calendar),
            let closeDay = calendar.date(byAdding: .day, value: closesNextDay ? 1 : 0, to: day),
            let close = instant(on: closeDay, minute: endMinute, calendar: calendar)
        else { return nil }
        return (open, close)
    }

    /// The instant of a local wall-clock minute on a local day (24:00 is the next day's midnight).
    private func instant(on day: Date, minute: Int, calendar: Calendar) -> Date? {
        if minute >= 24 * 60 { return calendar.date(byAdding: .day, value: 1, to: day) }
        var parts = calendar.dateComponents([.year, .month, .day], from: day)
        parts.hour = minute / 60
        parts.minute = minute % 60
        return calendar.date(from: parts)
    }
}
