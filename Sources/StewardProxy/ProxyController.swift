import NIOCore

/// Changes the routing table, one change at a time, in the order that keeps it safe:
/// validate, open new listeners, save to disk, put in force, close listeners no longer needed.
///
/// The table is on disk before any request follows it, so a proxy killed right after a change
/// restarts with that change; a change that fails at any step leaves the table in force unchanged.
public actor ProxyController {
    public let engine: ProxyEngine
    private let directory: ProxyStateDirectory
    private let listeners: ProxyListeners
    private let reservedPorts: Set<Int>

    /// A table that was refused, with every problem found.
    public struct Invalid: Error, Sendable {
        public var problems: [(path: String, message: String)]
    }

    /// A valid table whose listeners could not be opened or that could not be saved.
    public struct NotApplied: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(
        engine: ProxyEngine, directory: ProxyStateDirectory, host: String, reservedPorts: Set<Int>,
        group: any EventLoopGroup
    ) {
        self.engine = engine
        self.directory = directory
        self.listeners = ProxyListeners(host: host, engine: engine, group: group)
        self.reservedPorts = reservedPorts
    }

    /// Puts back in force the table saved by the last change (at start).
    public func restore() async throws {
        let table = try directory.loadTable()
        if let problem = table.problems(reservedPorts: reservedPorts).first {
            throw NotApplied(description: "the saved table \(directory.tablePath) is invalid: \(problem.path): \(problem.message)")
        }
        _ = try await listeners.open(Set(table.routes.map(\.listenPort)))
        engine.apply(table)
    }

    /// Replaces the whole table.
    ///
    /// - Throws: ``Invalid`` (nothing changed) or ``NotApplied`` (nothing changed either).
    public func replace(with table: RouteTable) async throws {
        let problems = table.problems(reservedPorts: reservedPorts)
        guard problems.isEmpty else { throw Invalid(problems: problems) }
        let ports = Set(table.routes.map(\.listenPort))
        let opened: Set<Int>
        do {
            opened = try await listeners.open(ports)
        } catch {
            throw NotApplied(description: "cannot listen on every port of the table: \(error)")
        }
        do {
            try directory.save(table)
        } catch {
            await listeners.close(opened)
            throw NotApplied(description: "cannot save the table: \(error)")
        }
        engine.apply(table)
        await listeners.close(await listeners.ports.subtracting(ports))
    }

    /// Closes every listener (at shutdown).
    public func closeListeners() async {
        await listeners.close(await listeners.ports)
    }
}
