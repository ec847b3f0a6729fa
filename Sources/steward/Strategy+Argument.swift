import ArgumentParser
import StewardCore

extension DeployPolicy.Strategy: ExpressibleByArgument {}
