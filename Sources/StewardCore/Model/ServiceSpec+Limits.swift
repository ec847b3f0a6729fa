extension ServiceSpec {
    /// How many instances one service may run in one environment (`instances:` of a service
    /// or of an environment).
    ///
    /// Zero scales a service down; the upper bound keeps a typo (`instances: 20000`) from asking
    /// one agent for thousands of processes and ports.
    public static let instanceRange = 0...256
}
