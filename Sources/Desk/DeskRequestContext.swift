import Foundation
import HTTPTypes

#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import NIOCore

/// The request context of the desk: Hummingbird's basics plus the peer's address, which the
/// sign-in limits count by.
struct DeskRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Who is asking: the peer's address, or, when the peer is a reverse proxy the configuration
/// trusts, the first address from the right of X-Forwarded-For that is not a trusted proxy
/// (each proxy appends the address it saw; those before it are the client's say and could be
/// anything). IPv4-mapped IPv6 addresses are read as IPv4, and an IPv6 client is counted by its
/// /64 network, which one subscriber usually holds whole.
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?, trustedProxies: Set<String>) -> String {
        let direct = normalized(peer?.ipAddress ?? "unknown")
        guard trustedProxies.contains(direct) else { return network(direct) }
        let hops = request.headers[values: .xForwardedFor].joined(separator: ",").split(separator: ",")
            .map { normalized($0.trimmingCharacters(in: .whitespaces)) }
        for hop in hops.reversed() {
            guard !hop.isEmpty, hop.count <= 64, hop.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return network(direct) }
            if !trustedProxies.contains(hop) { return network(hop) }
        }
        return network(direct)
    }

    /// "::ffff:192.0.2.1" → "192.0.2.1".
    static func normalized(_ address: String) -> String {
        let lower = address.lowercased()
        return lower.hasPrefix("::ffff:") && lower.dropFirst(7).contains(".") ? String(lower.dropFirst(7)) : lower
    }

    /// An IPv4 address as it is; an IPv6 one as its /64 ("2001:db8:1:2::/64").
    static func network(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        for index in 8..<16 { bytes[index] = 0 }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, bytes, &text, socklen_t(text.count)) != nil else { return address }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/64"
    }
}

/// Refuses requests whose Host is not one of the desk's own names: a page of another site that
/// makes its domain resolve to 127.0.0.1 (DNS rebinding) then cannot read the desk through the
/// victim's browser, since its requests carry that other domain.
struct AllowedHostsMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, allowed.contains(Self.hostName(authority)) else {
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "This desk does not answer for that host name (see [desk] allowed_hosts).\n")))
        }
        return try await next(request, context)
    }

    /// "127.0.0.1:8417" → "127.0.0.1", "[::1]:8417" → "::1", lower-cased.
    static func hostName(_ authority: String) -> String {
        let lower = authority.lowercased()
        if lower.hasPrefix("["), let end = lower.firstIndex(of: "]") {
            return String(lower[lower.index(after: lower.startIndex)..<end])
        }
        return String(lower.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Loopback names, and the address the desk listens on when it is a particular one.
    static func defaults(listeningOn host: String) -> Set<String> {
        var names: Set<String> = ["127.0.0.1", "localhost", "::1"]
        if !["0.0.0.0", "::", ""].contains(host) { names.insert(host.lowercased()) }
        return names
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
