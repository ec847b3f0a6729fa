import StewardCore
import StewardRuntime

/// An instance as the API shows it: what the agent reports, with the environment and the
/// probes as the stack file declares them (names and `${…}` references), never the resolved
/// values an agent runs with (secrets, dependency URLs with passwords).
struct InstanceView: Encodable {
    var status: InstanceStatus

    /// - Parameter release: the release the instance belongs to, when the log knows it.
    init(_ status: InstanceStatus, release: Release?) {
        var status = status
        let declared = release?.spec
        status.spec.env = Dictionary(
            uniqueKeysWithValues: status.spec.env.keys.map { key in
                (key, declared?.env[key] ?? release?.overrides[key] ?? Self.hidden)
            })
        status.spec.readiness = declared?.readiness
        status.spec.liveness = declared?.liveness
        status.spec.command = declared?.command ?? Self.hidden
        status.spec.args = declared?.args ?? []
        self.status = status
    }

    /// What stands in for a value the API does not show.
    static let hidden = "<hidden>"

    func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }
}
