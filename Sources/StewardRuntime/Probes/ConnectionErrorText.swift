import AsyncHTTPClient
import NIOCore
import NIOPosix
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the errors of NIO, AsyncHTTPClient and the database drivers into short sentences.
enum ConnectionErrorText {
    /// "connection refused to 127.0.0.1:5432", "timed out after 1s (…)", or the error with its context.
    static func describe(_ error: any Error, context: String, timeout: TimeSpan) -> String {
        if let text = networkText(error, timeout: timeout) { return "\(text) (\(context))" }
        return "\(context) failed: \(error)"
    }

    /// A sentence for the network errors we recognise, or `nil`.
    static func networkText(_ error: any Error, timeout: TimeSpan) -> String? {
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first {
                return errnoText(failure.error, address: HTTPAddress.hostPort(error.host, error.port))
                    ?? "cannot connect to \(HTTPAddress.hostPort(error.host, error.port)): \(failure.error)"
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve host \(error.host)" }
            return "cannot connect to \(HTTPAddress.hostPort(error.host, error.port))"
        case let error as ChannelError:
            if case .connectTimeout = error { return "timed out after \(timeout) connecting" }
            return nil
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return "timed out after \(timeout)"
            case .remoteConnectionClosed: return "the server closed the connection without answering"
            default: return nil
            }
        default:
            return errnoText(error, address: nil)
        }
    }

    /// A sentence for an `IOError` carrying a connection errno, naming `address` when known.
    private static func errnoText(_ error: any Error, address: String?) -> String? {
        guard let error = error as? IOError else { return nil }
        let suffix = address.map { " to \($0)" } ?? ""
        switch error.errnoCode {
        case ECONNREFUSED: return "connection refused\(suffix)"
        case ETIMEDOUT: return "connection timed out\(suffix)"
        case EHOSTUNREACH, ENETUNREACH: return "host unreachable\(suffix)"
        case ECONNRESET: return "connection reset\(suffix)"
        default: return "\(String(cString: strerror(error.errnoCode)).lowercased())\(suffix)"
        }
    }
}
