/// A request delay in milliseconds: fixed (`"150"`) or drawn uniformly from a range (`"100-300"`).
struct LatencyRange: Sendable, Equatable {
    /// Shortest delay in milliseconds.
    var lower: Int
    /// Longest delay in milliseconds (equal to `lower` for a fixed delay).
    var upper: Int

    /// Parses `"N"` or `"A-B"` with `0 <= A <= B`; `nil` for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let lower = Int(parts[0]), lower >= 0 else { return nil }
        let upper = parts.count == 2 ? Int(parts[1]) : lower
        guard let upper, upper >= lower else { return nil }
        self.lower = lower
        self.upper = upper
    }

    /// One delay, uniform in `lower...upper`.
    func sample() -> Int {
        Int.random(in: lower...upper)
    }
}
