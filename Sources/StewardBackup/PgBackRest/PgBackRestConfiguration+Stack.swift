import StewardCore

extension PgBackRestConfiguration {
    /// The pgBackRest configuration that backs up `dependency` as the stack file declares it.
    ///
    /// Every `physical:` entry that shares the dependency's configuration directory becomes a
    /// stanza of the same file (named after its dependency), so writing it for one dependency keeps
    /// the others. Those entries must agree on the repository and the retention, which are global.
    /// - Throws: ``BackupError`` (`invalid`) when the dependency has no `physical:` entry or the
    ///   entries sharing a directory disagree.
    public static func forDependency(_ dependency: String, in stack: StackSpec) throws -> PgBackRestConfiguration {
        let physical = stack.backups.compactMap { entry in entry.physical.map { (entry.dependency, $0) } }
        guard let own = physical.first(where: { $0.0 == dependency })?.1 else {
            let declared = physical.map(\.0).joined(separator: ", ")
            throw BackupError(
                .invalid,
                "no backups entry of '\(dependency)' has physical: (with physical: \(declared.isEmpty ? "none" : declared))")
        }
        let sharing = physical.filter { $0.1.configDirectory == own.configDirectory }
        for (other, spec) in sharing
        where spec.repository != own.repository || spec.retentionFull != own.retentionFull || spec.retentionDiff != own.retentionDiff {
            throw BackupError(
                .invalid,
                "the physical backups of '\(dependency)' and '\(other)' share \(own.configDirectory) but differ in repository or retention; expected the same values, or another configDirectory")
        }
        return PgBackRestConfiguration(
            directory: own.configDirectory, repository: own.repository, retentionFull: own.retentionFull,
            retentionDiff: own.retentionDiff,
            clusters: sharing.map { name, spec in
                PgBackRestCluster(
                    stanza: name, dataDirectory: spec.dataDirectory, port: spec.port, socketDirectory: spec.socketDirectory,
                    user: spec.user, systemUser: spec.systemUser)
            })
    }
}
