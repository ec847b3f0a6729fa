extension StackSpec {
    /// A service as it runs in one environment: the environment's instance count and
    /// variables applied over the service's own.
    ///
    /// - Returns: nil when the service or the environment is not declared.
    public func effectiveService(_ serviceName: String, in environmentName: String) -> ServiceSpec? {
        guard var service = service(named: serviceName), let environment = environment(named: environmentName) else {
            return nil
        }
        if let count = environment.instances[serviceName] { service.instances = count }
        for (key, value) in environment.env { service.env[key] = value }
        return service
    }
}
