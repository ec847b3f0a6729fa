import Foundation
import Logging
import StewardCore

extension Supervisor {
    /// Starts an instance id this agent knows nothing about (nothing wanted, running or queued
    /// for it): spawns the process, then records `spec.json` durably, then answers.
    ///
    /// Why spawn first: sealing and syncing the record takes as long as a fast instance needs to
    /// load, and the instance needs none of it; spawned first, it boots while the record is synced.
    /// The start is answered, and its process announced to watchers, only once the record is
    /// durable, so what an answered start promises is unchanged.
    ///
    /// Why that is crash-safe (the record is still written ahead of anything anyone relies on):
    /// - The agent dies after the spawn, before the record: the process carries this agent's
    ///   marker, and at most a `process.json` without a `spec.json` names it. ``recover()`` kills
    ///   both kinds (a recorded process that is not wanted, and any marked process outside the
    ///   adopted groups), so no orphan is left. The start was never answered, so the control
    ///   plane repeats it, and the next agent starts it once: no duplicate.
    /// - The machine dies: the process dies with it, and the unanswered start is repeated.
    /// - A stop of the same id cannot slip in between: there is no suspension point from the
    ///   check that the id is unknown to the written record, and the actor runs nothing else
    ///   meanwhile. A later stop removes the record as usual.
    /// - The record cannot be written (disk full…): the process is stopped and the start fails
    ///   with the error, as it did when the record came first.
    func startFirst(_ spec: InstanceSpec) async throws -> InstanceStatus {
        try await inTurn(spec.id) {
            try files.makeDirectory(spec.id)  // the log goes there; nothing is started when this fails
            wanted[spec.id] = spec
            instances[spec.id] = ManagedInstance(spec: spec, port: spec.port ?? allocatePort(), token: nextToken())
            startProcess(spec.id)
            do {
                try files.writeSpec(spec)
            } catch {
                wanted[spec.id] = nil
                await stopNow(spec.id)
                logger.error("\(spec.id): cannot record the instance, stopped it again: \(error)")
                throw error
            }
            bump()
            return instances[spec.id]?.status.redacted()
                ?? InstanceStatus(spec: spec.redacted(), state: .starting, port: 0)
        }
    }
}
