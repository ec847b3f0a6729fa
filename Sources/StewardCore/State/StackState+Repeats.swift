extension StackState {
    /// True when an observation says nothing new: the last observation recorded for the same
    /// instance or dependency is identical.
    ///
    /// The control plane does not append such repeats, so an instance that stays missing
    /// snapshot after snapshot leaves one `instance.missing`, not one per snapshot. Facts are
    /// never repeats.
    public func isRepeat(_ event: StewardEvent) -> Bool {
        switch event {
        case .instanceObserved(let observation):
            return instances[observation.instanceID] == observation
        case .dependencyObserved(let observation):
            return dependencies[observation.name] == observation
        default:
            return false
        }
    }
}
