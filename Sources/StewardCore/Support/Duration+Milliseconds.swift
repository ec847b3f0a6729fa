extension Duration {
    /// The duration in whole milliseconds, rounded toward zero (`waitMs` parameters, log fields).
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
