import Foundation
public import StewardCore
import StewardHTTP

/// Reads and validates a stack file from disk.
public enum StackLoader {
    /// A stack file that could not be loaded: unreadable or invalid (with every problem).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The parsed stack, its digest, its absolute path and its warnings (keys parsed but not enforced).
    public static func load(_ path: String) throws -> (
        stack: StackSpec, digest: String, path: String, warnings: [StackFile.Warning]
    ) {
        let (text, absolute) = try read(path)
        let analysis = StackFile.analyze(text, file: path)
        switch analysis.result {
        case .success(let stack): return (stack, TokenHash.of(text), absolute, analysis.warnings)
        case .failure(let errors): throw Failure(description: errors.description)
        }
    }

    private static func read(_ path: String) throws -> (text: String, absolute: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw Failure(description: "cannot read stack file \(path)")
        }
        return (String(decoding: data, as: UTF8.self), absolute)
    }
}
