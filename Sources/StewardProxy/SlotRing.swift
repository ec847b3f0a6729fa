import Histogram

/// What one release measured in equal slots of time, keeping only the most recent `capacity` slots.
///
/// Slot number `n` covers `[n × length, (n + 1) × length)` of time since the proxy started. A
/// request lands in the slot of the moment it finished; when a slot's place in the ring comes
/// round again it is cleared first, and its histogram is reused rather than allocated again, so
/// recording allocates nothing once the ring has turned. Reading merges the slots asked for.
///
/// Not thread-safe: ``ProxyStats`` holds it under its lock.
struct SlotRing {
    /// The counts of one slot of time.
    struct Slot {
        /// Which slot of time these counts are for; -1 when never used.
        var number: Int64 = -1
        var requests: UInt64 = 0
        var errors: UInt64 = 0
        /// Allocated on the slot's first request.
        var latency: Histogram<UInt32>?
    }

    /// The sum of consecutive slots.
    struct Totals {
        var requests: UInt64 = 0
        var errors: UInt64 = 0
        var latency = SlotRing.emptyHistogram()
    }

    /// Latencies above this many microseconds (2 minutes) count as this much: a window's
    /// percentiles are compared with thresholds of seconds, and the bound keeps slots small.
    static let longestMicroseconds: UInt64 = 120_000_000

    /// Microseconds with 2 significant digits (1 % resolution) and 32-bit counts: about 11 KB a slot.
    static func emptyHistogram() -> Histogram<UInt32> {
        Histogram<UInt32>(highestTrackableValue: longestMicroseconds, numberOfSignificantValueDigits: .two)
    }

    /// The length of one slot, in nanoseconds.
    let slotNanoseconds: Int64
    private var slots: [Slot]

    /// - Parameters:
    ///   - slotLength: how much time one slot covers (at least a millisecond).
    ///   - capacity: how many slots are kept.
    init(slotLength: Duration, capacity: Int) {
        precondition(capacity > 0, "a ring needs at least one slot")
        slotNanoseconds = max(slotLength.nanoseconds, 1_000_000)
        slots = Array(repeating: Slot(), count: capacity)
    }

    var capacity: Int { slots.count }

    /// The slot number of a moment, given in nanoseconds since the proxy started.
    func slotNumber(at nanoseconds: Int64) -> Int64 { max(nanoseconds, 0) / slotNanoseconds }

    /// Counts one finished request in the slot of `nanoseconds`.
    mutating func record(at nanoseconds: Int64, isError: Bool, microseconds: UInt64) {
        let number = slotNumber(at: nanoseconds)
        let index = Int(number % Int64(slots.count))
        if slots[index].number != number {
            // A request older than the ring (a thread that was descheduled for minutes) is dropped.
            guard slots[index].number < number else { return }
            slots[index].number = number
            slots[index].requests = 0
            slots[index].errors = 0
            slots[index].latency?.reset()
        }
        slots[index].requests += 1
        if isError { slots[index].errors += 1 }
        if slots[index].latency == nil { slots[index].latency = Self.emptyHistogram() }
        _ = slots[index].latency!.record(min(max(microseconds, 1), Self.longestMicroseconds))
    }

    /// The totals of the `count` most recent slots up to the slot of `nanoseconds`, that slot included.
    ///
    /// - Precondition: `count` is at most ``capacity``.
    func totals(ofLast count: Int, at nanoseconds: Int64) -> Totals {
        precondition(count <= slots.count, "the ring keeps \(slots.count) slots, \(count) were asked for")
        let newest = slotNumber(at: nanoseconds)
        var totals = Totals()
        for number in stride(from: newest, to: max(newest - Int64(count), -1), by: -1) {
            let slot = slots[Int(number % Int64(slots.count))]
            guard slot.number == number else { continue }
            totals.requests += slot.requests
            totals.errors += slot.errors
            if let latency = slot.latency { totals.latency.add(latency) }
        }
        return totals
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
