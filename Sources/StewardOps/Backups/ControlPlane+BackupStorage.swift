import Foundation
import Logging
import StewardBackup
import StewardCore

extension ControlPlane {
    /// Where the backups of `dependency` taken in `environment` go: its `backups:` entry's
    /// `destination` (default `backups`, the folder `DATA/backups`).
    ///
    /// - `s3://BUCKET/PREFIX`: that bucket, reached through the `s3` dependency whose URL names the
    ///   bucket (`http(s)://KEY_ID:${secret:NAME}@HOST:PORT/BUCKET?region=R`, resolved with the
    ///   environment's secrets), else through the control plane's `AWS_*` variables.
    /// - a folder: an absolute path, or one relative to the data directory.
    /// - Throws: ``ControlPlaneError/invalid(_:)`` naming what is wrong; never a credential.
    func backupStorage(dependency: String, environment: String) throws -> any BackupStorage {
        let destination = state.stack?.backups.first { $0.dependency == dependency }?.destination ?? "backups"
        return try backupStorage(destination: destination, environment: environment)
    }

    func backupStorage(destination: String, environment: String) throws -> any BackupStorage {
        guard let backupDirectory else { throw ControlPlaneError.invalid("this control plane keeps no backups") }
        guard destination.hasPrefix("s3://") else {
            let data = (backupDirectory as NSString).deletingLastPathComponent
            let directory = destination.hasPrefix("/") ? destination : (data as NSString).appendingPathComponent(destination)
            do {
                return try BackupStore(directory: directory)
            } catch {
                throw ControlPlaneError.invalid("the backup store cannot be opened: \(error)")
            }
        }
        do {
            let location = try S3Location(url: destination)
            let connection = try s3Connection(bucket: location.bucket, environment: environment)
            return S3BackupStore(client: S3Client(connection: connection), location: location)
        } catch let error as ControlPlaneError {
            throw error
        } catch {
            throw ControlPlaneError.invalid("the backup destination \(destination) in \(environment): \(error)")
        }
    }

    /// How to reach `bucket` for `environment` (nil: with the secrets set without one, as mirrors
    /// do): the `s3` dependency naming it, else `AWS_*`.
    func s3Connection(bucket: String, environment: String?) throws -> S3Connection {
        let fallback = S3Credentials.fromEnvironment(ProcessInfo.processInfo.environment)
        if let stack = state.stack, let planner {
            for dependency in stack.dependencies where dependency.kind == .s3 {
                let url: String
                do {
                    url = try planner.resolveDependencyURL(dependency, environment: environment)
                } catch {
                    // A dependency for another bucket may use a secret this environment lacks.
                    guard Self.bucketNamed(in: dependency.url) == bucket else { continue }
                    throw ControlPlaneError.invalid(
                        "the URL of \(dependency.name)\(environment.map { " in \($0)" } ?? "") cannot be resolved: \(error)")
                }
                let parsed = try S3Connection.parse(dependencyURL: url, fallback: fallback)
                if parsed.bucket == bucket { return parsed.connection }
            }
        }
        return try S3Connection.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The first path segment of an unresolved dependency URL (the bucket), read past any user info.
    static func bucketNamed(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var rest = url[schemeEnd.upperBound...]
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return rest[rest.index(after: slash)...].split(whereSeparator: { $0 == "/" || $0 == "?" }).first.map(String.init)
    }

    /// Every place the backups of `environment` (of every environment when nil) may be, each once:
    /// `DATA/backups` first, then each distinct destination of the stack's `backups:` entries.
    ///
    /// A destination that cannot be resolved for an environment (a secret not set there) is left
    /// out with a warning in the log; for one environment asked for by name, it is an error.
    func backupStorages(environment: String?) throws -> [any BackupStorage] {
        guard let backupDirectory else { throw ControlPlaneError.invalid("this control plane keeps no backups") }
        var storages: [any BackupStorage] = []
        do {
            storages.append(try BackupStore(directory: backupDirectory))
        } catch {
            throw ControlPlaneError.invalid("the backup store cannot be opened: \(error)")
        }
        var seen: Set<String> = [Self.identity(of: storages[0])]
        guard let stack = state.stack else { return storages }
        let environments = environment.map { [$0] } ?? stack.environments.map(\.name)
        for name in environments {
            for spec in stack.backups {
                let storage: any BackupStorage
                do {
                    storage = try backupStorage(destination: spec.destination, environment: name)
                } catch {
                    if environment != nil { throw error }
                    logger.warning("the backups of \(spec.dependency) in \(name) cannot be listed: \(error)")
                    continue
                }
                if seen.insert(Self.identity(of: storage)).inserted { storages.append(storage) }
            }
        }
        return storages
    }

    /// The manifest of `id` and where it is kept, or nil when no storage has it.
    func locateBackup(_ id: String) async throws -> (manifest: BackupManifest, storage: any BackupStorage)? {
        guard BackupManifest.isValidID(id) else { return nil }
        for storage in try backupStorages(environment: nil) {
            do {
                if try await storage.hasManifest(id) { return (try await storage.manifest(id), storage) }
            } catch {
                throw ControlPlaneError.invalid("the backup store \(storage.location) cannot be read: \(error)")
            }
        }
        return nil
    }

    /// One storage, once: a folder by path, a bucket by endpoint and location.
    static func identity(of storage: any BackupStorage) -> String {
        if let bucket = storage as? S3BackupStore { return "\(bucket.client.connection.endpoint)/\(bucket.location)" }
        return storage.location
    }
}
