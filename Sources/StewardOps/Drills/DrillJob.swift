import Foundation
import StewardBackup
import StewardCore

/// What a disaster-recovery drill does, fixed when it is started (``ControlPlane/startDrill(environment:actor:)``)
/// and carried out outside the actor (``ControlPlane/executeDrill(_:)``).
struct DrillJob: Sendable {
    /// One backup to restore into the scratch cluster.
    struct Restore: Sendable {
        var dependency: String
        var backup: String
        var database: String
        var storage: any BackupStorage
        var integrityQueries: [String]
    }

    /// One service to start beside the real one: the release serving the environment, as drill instances.
    struct Service: Sendable {
        var release: Release
        var instances: [String]
    }

    var id: String
    var environment: String
    var restores: [Restore]
    var services: [Service]
    /// The scratch cluster's directory (``ScratchCluster/directory(forDrill:)``), recorded before it exists.
    var clusterDirectory: String
    /// How long the drill instances may take to become ready.
    var readinessTimeout: TimeSpan
    var actor: String

    /// Every drill instance's id.
    var instances: [String] { services.flatMap(\.instances) }
}
