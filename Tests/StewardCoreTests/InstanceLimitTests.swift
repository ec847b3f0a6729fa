import Foundation
import StewardCore
import Testing

/// `instances` of a service and of an environment stay within ``ServiceSpec/instanceRange``.
@Suite struct InstanceLimitTests {
    static func stack(serviceInstances: Int, environmentInstances: Int) -> String {
        """
        stack: shop
        services:
          api:
            command: /bin/api
            instances: \(serviceInstances)
        environments:
          production:
            instances: {api: \(environmentInstances)}
        """
    }

    /// Counts at both ends of the range are accepted, in a service and in an environment.
    @Test func boundsAreAccepted() throws {
        for count in [ServiceSpec.instanceRange.lowerBound, ServiceSpec.instanceRange.upperBound] {
            let spec = try StackFile.parse(Self.stack(serviceInstances: count, environmentInstances: count), file: "s.yaml").get()
            #expect(spec.service(named: "api")?.instances == count)
            #expect(spec.effectiveService("api", in: "production")?.instances == count)
        }
    }

    /// One past the upper bound (or far past it) is refused at the value, saying the range.
    @Test func tooManyIsRefusedWithPosition() throws {
        let upper = ServiceSpec.instanceRange.upperBound
        for tooMany in [upper + 1, 100_000] {
            let text = Self.stack(serviceInstances: tooMany, environmentInstances: tooMany)
            guard case .failure(let errors) = StackFile.parse(text, file: "s.yaml") else {
                Issue.record("accepted \(tooMany) instances")
                continue
            }
            #expect(errors.errors.map(\.line) == [5, 8])
            #expect(errors.errors.allSatisfy { $0.description.contains("to \(upper)") }, "\(errors)")
            #expect(errors.errors.allSatisfy { $0.description.contains("'\(tooMany)'") }, "\(errors)")
        }
    }
}
