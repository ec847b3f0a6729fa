/// A probe check failed for a reason that is already a sentence for the result's message.
struct ProbeFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
