// `backups[].physical`: where pgBackRest finds the cluster and keeps its repository.
extension StackFile.Compiler {
    /// Reads a `physical:` mapping; nil (with errors reported) when a required key is missing or wrong.
    func physicalBackup(_ r: StackFile.MappingReader) -> PhysicalBackupSpec? {
        defer { r.finish() }
        // Every key is read before deciding, so one pass reports every mistake.
        let dataDirectory = r.required("dataDirectory", expected: Self.pathExpectation).flatMap(safePath)
        let repository = r.required("repository", expected: Self.pathExpectation).flatMap(safePath)
        let configDirectory = r.field("configDirectory").flatMap(safePath)
        let socketDirectory = r.field("socketDirectory").flatMap(safePath)
        let port = r.int("port", 1...65535)
        let user = r.nonEmptyString("user")
        let systemUser = r.nonEmptyString("systemUser")
        let retentionFull = r.int("retentionFull", 1...9_999_999)
        let retentionDiff = r.int("retentionDiff", 1...9_999_999)
        guard let dataDirectory, let repository else { return nil }
        var spec = PhysicalBackupSpec(dataDirectory: dataDirectory, repository: repository, retentionDiff: retentionDiff)
        if let configDirectory { spec.configDirectory = configDirectory }
        if let socketDirectory { spec.socketDirectory = socketDirectory }
        if let port { spec.port = port }
        if let user { spec.user = user }
        if let systemUser { spec.systemUser = systemUser }
        if let retentionFull { spec.retentionFull = retentionFull }
        return spec
    }

    static let pathExpectation = "an absolute path of letters, digits and / . _ - + @ ,"

    /// An absolute path that can go into pgBackRest's configuration and `archive_command` unquoted.
    func safePath(_ field: StackFile.Field) -> String? {
        guard let text = field.string(expected: Self.pathExpectation) else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+@,")
        guard text.hasPrefix("/"), text.allSatisfy(allowed.contains) else {
            field.invalid(Self.pathExpectation)
            return nil
        }
        return text
    }
}
