import Foundation

/// An event that has not been written to the log yet.
///
/// The log gives each event its sequence number and its place in the hash chain when it is
/// appended; see ``EventLog/append(_:)``.
public struct NewEvent: Sendable {
    /// What happened, as a dotted name such as `deployment.started`.
    ///
    /// Must not be empty and must not contain a line break: line breaks separate the fields that are hashed.
    public var type: String
    /// What it happened to, such as `deployment/12` or `service/api/production`.
    ///
    /// Must not contain a line break.
    public var subject: String
    /// Who caused it: a user or token name, or `steward` for the control plane itself.
    ///
    /// Must not be empty and must not contain a line break.
    public var actor: String
    /// When it happened. The log keeps whole milliseconds since 1970, rounded to the nearest one.
    public var time: Date
    /// The event's details as JSON bytes.
    public var payload: Data

    /// Creates an event to append.
    ///
    /// - Parameters:
    ///   - type: What happened, such as `deployment.started`.
    ///   - subject: What it happened to, such as `deployment/12`.
    ///   - actor: Who caused it.
    ///   - time: When it happened; taken from the caller's clock, never read inside the store.
    ///   - payload: The details as JSON bytes.
    public init(type: String, subject: String, actor: String, time: Date, payload: Data) {
        self.type = type
        self.subject = subject
        self.actor = actor
        self.time = time
        self.payload = payload
    }
}
