/// Where a mirror keeps its copies: another bucket (under a prefix) or a local folder.
public enum MirrorTarget: Sendable, CustomStringConvertible {
    /// Copies as objects `PREFIX/KEY`, the manifest as `PREFIX/.steward-mirror.json`.
    case bucket(S3Client, S3Location)
    /// Copies as files `FOLDER/KEY` (0600, folders 0700), the manifest as `FOLDER/.steward-mirror.json`.
    case folder(String)

    public var description: String {
        switch self {
        case .bucket(_, let location): location.description
        case .folder(let path): path
        }
    }
}
