import StewardCore

extension InstanceSpec {
    /// What replaces a secret value in answers.
    public static let redactedValue = "<redacted>"

    /// The spec as it may be shown: env values and HTTP probe header values replaced by
    /// `<redacted>`, passwords in probe URLs by `***`. Names, commands and shapes stay.
    ///
    /// Every answer of the agent carries this view: the spec itself holds resolved secrets.
    public func redacted() -> InstanceSpec {
        var copy = self
        copy.env = env.mapValues { _ in Self.redactedValue }
        copy.readiness = readiness?.redacted()
        copy.liveness = liveness?.redacted()
        return copy
    }
}

extension ProbeSpec {
    /// The probe without secrets: URL passwords become `***`, HTTP header values `<redacted>`.
    func redacted() -> ProbeSpec {
        var copy = self
        switch check {
        case .postgres(let url): copy.check = .postgres(url: URLText.redactingPassword(url))
        case .redis(let url): copy.check = .redis(url: URLText.redactingPassword(url))
        case .http(var http):
            http.headers = http.headers.mapValues { _ in InstanceSpec.redactedValue }
            copy.check = .http(http)
        case .tcp, .exec: break
        }
        return copy
    }
}

extension InstanceStatus {
    /// The status with its spec ``InstanceSpec/redacted()``.
    public func redacted() -> InstanceStatus {
        var copy = self
        copy.spec = spec.redacted()
        return copy
    }
}

extension AgentSnapshot {
    /// The snapshot with every spec ``InstanceSpec/redacted()``.
    public func redacted() -> AgentSnapshot {
        var copy = self
        copy.instances = instances.map { $0.redacted() }
        return copy
    }
}
