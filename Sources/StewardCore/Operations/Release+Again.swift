import Foundation

extension Release {
    /// This release made again under a new number: the same version, overrides, service
    /// definition, dependency URLs and scale, so its instances run exactly what this one ran.
    ///
    /// Restart, scale, start and rollback each roll out such a copy; instance ids carry the
    /// release number, so every instance of the copy is new.
    public func again(number: Int, createdAt: Date, createdBy: String) -> Release {
        Release(
            number: number, service: service, environment: environment, version: version, overrides: overrides,
            spec: spec, dependencyURLs: dependencyURLs, scaledInstances: scaledInstances, createdAt: createdAt,
            createdBy: createdBy)
    }

    /// This release running `count` instances, the count pinned as ``scaledInstances``.
    public func scaled(to count: Int) -> Release {
        var release = self
        release.scaledInstances = count
        release.spec.instances = count
        return release
    }
}
