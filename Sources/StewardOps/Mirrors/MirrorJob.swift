import Foundation
import StewardBackup
import StewardCore

/// A mirror run the control plane carries out outside the actor (begun and recorded already).
struct MirrorJob: Sendable {
    /// The engine, its buckets resolved.
    var engine: BucketMirror
    var mirror: String
    var run: String
    var operation: MirrorEvent.Operation
    /// restore: the bucket and prefix to restore into, and whether removed objects come back too.
    var restoreClient: S3Client?
    var restoreLocation: S3Location?
    var includeRemoved: Bool
    var actor: String
    /// Every secret key the run's clients hold: masked out of anything recorded.
    var mask: SecretMask
}
