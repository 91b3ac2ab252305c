import Foundation
import HTTPTypes
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
/// trusts, the last address that proxy adds to X-Forwarded-For (the one it saw; addresses
/// before it are the client's say and could be anything).
enum ClientAddress {
    static func of(_ request: Request, peer: SocketAddress?, trustedProxies: Set<String>) -> String {
        let direct = peer?.ipAddress ?? "unknown"
        guard trustedProxies.contains(direct) else { return direct }
        let forwarded = request.headers[values: .xForwardedFor].joined(separator: ",")
        guard let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              !last.isEmpty, last.count <= 64, last.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return direct }
        return last
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
