import Foundation
public import StewardCore
import StewardHTTP

/// Reads and validates a stack file from disk.
public enum StackLoader {
    /// A stack file that could not be loaded: unreadable or invalid (with every problem).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The parsed stack, its digest and its absolute path.
    public static func load(_ path: String) throws -> (stack: StackSpec, digest: String, path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw Failure(description: "cannot read stack file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        switch StackFile.parse(text, file: path) {
        case .success(let stack): return (stack, TokenHash.of(text), absolute)
        case .failure(let errors): throw Failure(description: errors.description)
        }
    }
}
