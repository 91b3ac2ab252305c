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
/// names) cannot get around it.
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
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "link-local IPv6 address" }
        if bytes[0] & 0xFE == 0xFC { return "private (unique local) IPv6 address" }
        if bytes[0] == 0xFF { return "multicast IPv6 address" }
        return nil
    }

    /// With a proxy from the environment, curl connects to the proxy, which may well be on a
    /// private network; the proxy is then where outbound policy is enforced.
    static var proxyInEnvironment: Bool {
        let environment = ProcessInfo.processInfo.environment
        return ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"].contains { !(environment[$0] ?? "").isEmpty }
    }

    /// CURLOPT_OPENSOCKETFUNCTION: opens the socket only for allowed addresses.
    static let openSocket: curl_opensocket_callback = { context, _, address in
        guard let context, let address else { return CURL_SOCKET_BAD }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let family = address.pointee.family
        let refused = withUnsafePointer(to: &address.pointee.addr) { refusal($0) }
        if let refused {
            transfer.refusedAddress = refused
            return CURL_SOCKET_BAD
        }
        return socket(family, address.pointee.socktype, address.pointee.protocol)
    }
}
