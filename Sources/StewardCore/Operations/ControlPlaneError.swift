/// Why the control plane refused a request; the API maps each case to a status code.
///
/// Pure decisions (``StackState/releaseToRestart(_:)`` and its siblings) throw it too, so a
/// refusal is decided, and worded, where it is tested without a process.
public enum ControlPlaneError: Error, Equatable, CustomStringConvertible {
    /// Something named does not exist (404).
    case notFound(String)
    /// The request conflicts with work in progress or with the current state (409).
    case conflict(String)
    /// The request is well-formed but cannot be carried out as asked (422).
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let message), .conflict(let message), .invalid(let message): message
        }
    }
}
