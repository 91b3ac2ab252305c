import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The proxies of the environment, read the way libcurl reads them (`http_proxy` in lower case
/// only, `HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`/`all_proxy`, `NO_PROXY`/`no_proxy`) and then
/// handed to curl explicitly for each transfer, so that the address guard knows exactly which
/// proxy a transfer may reach: that proxy's address *and port*, nothing else private. Hosts in
/// no_proxy, and schemes no proxy serves, go direct and are checked like any connection.
///
/// A transfer's proxy is chosen by its first URL's scheme and kept across its redirects (curl
/// has one proxy per transfer); no_proxy is still applied at each hop.
public struct ProxySettings: Sendable, Equatable {
    public var http: String?
    public var https: String?
    public var all: String?
    public var noProxy: String?

    public init(http: String? = nil, https: String? = nil, all: String? = nil, noProxy: String? = nil) {
        self.http = http
        self.https = https
        self.all = all
        self.noProxy = noProxy
    }

    public static let none = ProxySettings()

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        func value(_ names: String...) -> String? {
            names.lazy.compactMap { environment[$0] }.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        // Upper-case HTTP_PROXY is ignored, as curl does: CGI servers set HTTP_PROXY from a
        // request's "Proxy:" header ("httpoxy").
        return ProxySettings(http: value("http_proxy"), https: value("https_proxy", "HTTPS_PROXY"), all: value("all_proxy", "ALL_PROXY"),
                             noProxy: value("no_proxy", "NO_PROXY"))
    }

    /// The proxy for a URL of this scheme, nil for a direct connection.
    public func proxy(forScheme scheme: String) -> String? {
        switch scheme.lowercased() {
        case "http": return http ?? all
        case "https": return https ?? all
        default: return nil
        }
    }

    /// Where a proxy listens, as the address guard sees a connection: numeric address and port.
    struct Endpoint: Hashable, Sendable {
        var address: String
        var port: UInt16
    }

    /// The endpoints of `proxy` (every address its host resolves to, on its port).
    static func endpoints(of proxy: String) -> Set<Endpoint> {
        let url = proxy.contains("://") ? proxy : "http://" + proxy
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return [] }
        let scheme = components.scheme?.lowercased() ?? "http"
        // curl's default proxy ports: 1080 for HTTP and SOCKS proxies, 443 for HTTPS ones.
        let port = UInt16(clamping: components.port ?? (scheme == "https" ? 443 : 1080))
        return Set(resolve(host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))).map { Endpoint(address: $0, port: port) })
    }

    private static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var found: [String] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr, let text = AddressPolicy.numericHost(address) { found.append(text) }
            entry = current.pointee.ai_next
        }
        return found
    }
}
