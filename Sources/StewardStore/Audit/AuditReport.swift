/// The result of checking the log's hash chain.
public struct AuditReport: Sendable, Codable, Equatable {
    /// How many events were checked.
    public var checked: Int
    /// Everything found wrong, in the order the walk along the log found it; empty when the log is intact.
    public var problems: [AuditProblem]
    /// Whether no problem was found.
    public var isIntact: Bool

    /// Creates a report; it is intact exactly when there are no problems.
    ///
    /// - Parameters:
    ///   - checked: How many events were checked.
    ///   - problems: Everything found wrong.
    public init(checked: Int, problems: [AuditProblem]) {
        self.checked = checked
        self.problems = problems
        self.isIntact = problems.isEmpty
    }
}
