import NIOCore
import PostgresNIO
import StewardCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PostgresCellText {
    /// Binary `inet`, `cidr`, `macaddr` and `macaddr8` as PostgreSQL prints them:
    /// `127.0.0.1`, `10.0.0.0/8`, `::1`, `08:00:2b:01:02:03`.
    static func networkText(_ bytes: inout ByteBuffer, type: PostgresDataType) -> String? {
        switch type {
        case .macaddr, .macaddr8:
            guard bytes.readableBytes == (type == .macaddr ? 6 : 8) else { return nil }
            return bytes.readableBytesView.map { Hex.string([$0]) }.joined(separator: ":")
        case .inet, .cidr:
            // Family (2: IPv4, 3: IPv6), prefix bits, is-cidr flag, address length, address.
            guard let family = bytes.readInteger(as: UInt8.self), let bits = bytes.readInteger(as: UInt8.self),
                bytes.readInteger(as: UInt8.self) != nil, let length = bytes.readInteger(as: UInt8.self),
                let address = bytes.readBytes(length: Int(length)), bytes.readableBytes == 0
            else { return nil }
            let (systemFamily, fullBits, size) =
                switch (family, length) {
                case (2, 4): (AF_INET, 32, Int(INET_ADDRSTRLEN))
                case (3, 16): (AF_INET6, 128, Int(INET6_ADDRSTRLEN))
                default: (Int32(-1), 0, 0)
                }
            guard systemFamily >= 0 else { return nil }
            var buffer = [CChar](repeating: 0, count: size)
            let written = address.withUnsafeBytes { raw in
                inet_ntop(Int32(systemFamily), raw.baseAddress, &buffer, socklen_t(size))
            }
            guard written != nil else { return nil }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // inet hides a full-length prefix; cidr always shows it.
            return type == .inet && Int(bits) == fullBits ? text : "\(text)/\(bits)"
        default:
            return nil
        }
    }
}
