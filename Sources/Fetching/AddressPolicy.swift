import CCurl
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which addresses a transfer may connect to. Feeds come from the public Internet: a source (or
/// any redirect hop) that resolves to loopback, a private network, link-local (cloud metadata at
/// 169.254.169.254), CGNAT, multicast or a reserved range is refused, unless the source is
/// marked local or the run allows private networks. The check runs when curl opens each socket,
/// on the address it is about to connect to, so DNS tricks (rebinding, redirects to internal
/// names) cannot get around it. With a proxy, the proxy's own address and port are allowed for
/// the transfers that use it (ProxySettings), and nothing else.
enum AddressPolicy {
    /// The refusal in words, or nil when the address is public.
    static func refusal(_ address: UnsafePointer<sockaddr>) -> String? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let ipv4 = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in.self).pointee
            let value = UInt32(bigEndian: ipv4.sin_addr.s_addr)
            return refusal(ipv4: value)
        case AF_INET6:
            let ipv6 = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in6.self).pointee
            let bytes = withUnsafeBytes(of: ipv6.sin6_addr) { Array($0) }
            return refusal(ipv6: bytes)
        default:
            return "an address of an unexpected family"
        }
    }

    static func refusal(ipv4 value: UInt32) -> String? {
        let a = value >> 24, b = (value >> 16) & 0xFF
        let text = "\(a).\(b).\((value >> 8) & 0xFF).\(value & 0xFF)"
        switch true {
        case a == 127: return "loopback address \(text)"
        case a == 10, a == 172 && (16...31).contains(b), a == 192 && b == 168: return "private address \(text)"
        case a == 169 && b == 254: return "link-local address \(text)"
        case a == 100 && (64...127).contains(b): return "shared (CGNAT) address \(text)"
        case a == 198 && (b == 18 || b == 19): return "benchmarking address \(text)"
        case a == 192 && b == 0 && (value >> 8) & 0xFF == 0: return "IETF protocol address \(text)"
        case a == 0: return "unspecified address \(text)"
        case a >= 224: return "multicast or reserved address \(text)"
        default: return nil
        }
    }

    static func refusal(ipv6 bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return "a malformed IPv6 address" }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {  // ::ffff:a.b.c.d
            return refusal(ipv4: bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
        }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) {
            return bytes[15] == 1 ? "loopback address ::1" : "unspecified address ::"
        }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) {  // IPv4-compatible ::a.b.c.d
            return refusal(ipv4: bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) }) ?? "IPv4-compatible IPv6 address"
        }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B {  // NAT64 64:ff9b::/96, /48
            return refusal(ipv4: bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) }).map { "NAT64 \($0)" }
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 {  // 6to4 2002:a.b.c.d::/48
            return refusal(ipv4: bytes[2..<6].reduce(0) { $0 << 8 | UInt32($1) }).map { "6to4 \($0)" }
        }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return "site-local IPv6 address" }
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "link-local IPv6 address" }
        if bytes[0] & 0xFE == 0xFC { return "private (unique local) IPv6 address" }
        if bytes[0] == 0xFF { return "multicast IPv6 address" }
        return nil
    }

    /// The address as text ("10.0.0.1", "fd00::1").
    static func numericHost(_ address: UnsafePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            var ipv4 = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in.self).pointee.sin_addr
            guard inet_ntop(AF_INET, &ipv4, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        case AF_INET6:
            var ipv6 = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_addr
            guard inet_ntop(AF_INET6, &ipv6, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        default:
            return nil
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The numeric address and port of a socket address.
    static func endpoint(_ address: UnsafePointer<sockaddr>) -> ProxySettings.Endpoint? {
        guard let host = numericHost(address) else { return nil }
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let port = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port
            return ProxySettings.Endpoint(address: host, port: UInt16(bigEndian: port))
        case AF_INET6:
            let port = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port
            return ProxySettings.Endpoint(address: host, port: UInt16(bigEndian: port))
        default:
            return nil
        }
    }

    /// CURLOPT_OPENSOCKETFUNCTION: opens the socket only for allowed addresses.
    static let openSocket: curl_opensocket_callback = { context, _, address in
        guard let context, let address else { return CURL_SOCKET_BAD }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let family = address.pointee.family
        // The sockaddr curl hands over is at the start of its `addr` field, addrlen bytes long.
        let length = Int(address.pointee.addrlen)
        let minimum = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        guard length >= minimum else { return CURL_SOCKET_BAD }
        let sockaddrPointer = UnsafeRawPointer(address).advanced(by: MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr)!)
            .assumingMemoryBound(to: sockaddr.self)
        if let refused = refusal(sockaddrPointer), !transfer.allowedProxyEndpoints.contains(where: { $0 == endpoint(sockaddrPointer) }) {
            transfer.refusedAddress = refused
            return CURL_SOCKET_BAD
        }
        return socket(family, address.pointee.socktype, address.pointee.protocol)
    }
}
