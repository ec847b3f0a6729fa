import NIOCore

extension TimeAmount {
    /// `duration` as a NIO time amount: negative as zero, too long for one as the longest there is
    /// (a runbook's "forever" must not trap).
    init(clamping duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 || seconds > 0 else {
            self = .zero
            return
        }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(overflow || carry ? .max : max(total, 0))
    }
}
