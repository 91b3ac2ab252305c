import Foundation
import Testing

@testable import Fetching
import TestSupport

private let feedBody = Data("<rss version=\"2.0\"><channel><title>t</title></channel></rss>".utf8)

private func makeServer() throws -> LocalHTTPServer {
    try LocalHTTPServer { request in
        switch request.path {
        case "/feed.xml":
            if request.headers["if-none-match"] == "\"v1\"" { return .init(status: 304) }
            return .init(status: 200, headers: [("ETag", "\"v1\""), ("Last-Modified", "Sat, 28 Nov 2026 10:00:00 GMT"),
                                                ("Content-Type", "application/rss+xml")], body: feedBody)
        case "/moved":
            return .init(status: 301, headers: [("Location", "/feed.xml")])
        case "/big":
            return .init(status: 200, body: Data(repeating: 0x41, count: 300_000))
        case "/busy":
            return .init(status: 503, headers: [("Retry-After", "120")])
        case "/loop":
            return .init(status: 302, headers: [("Location", "/loop")])
        default:
            return .init(status: 404)
        }
    }
}

private let configuration = FetcherConfiguration(
    userAgent: FetcherConfiguration.userAgent(version: "test", contactURL: "https://example.org/contact"),
    timeoutSeconds: 10, connectTimeoutSeconds: 5, maxBodyBytes: 100_000, allowPrivateNetworks: true)

@Suite struct FetcherTests {
    @Test func fetchesManyFeedsInOneRoundAndKeepsTheirOrder() throws {
        let server = try makeServer()
        defer { server.stop() }
        let paths = ["/feed.xml", "/missing", "/moved", "/busy", "/big", "/loop"]
        let responses = Fetcher(configuration: configuration).fetch(paths.map {
            FetchRequest(sourceID: String($0.dropFirst()), url: server.baseURL + $0)
        })
        #expect(responses.map(\.request.sourceID) == paths.map { String($0.dropFirst()) })

        #expect(responses[0].outcome == .ok)
        #expect(responses[0].body == feedBody)
        #expect(responses[0].etag == "\"v1\"")
        #expect(responses[0].lastModified == "Sat, 28 Nov 2026 10:00:00 GMT")
        #expect(responses[0].contentType == "application/rss+xml")

        #expect(responses[1].outcome == .httpError(404))
        #expect(responses[1].summary == "HTTP 404 Not Found")

        #expect(responses[2].outcome == .ok)
        #expect(responses[2].effectiveURL == server.baseURL + "/feed.xml")

        #expect(responses[3].outcome == .httpError(503))
        #expect(responses[3].retryAfter == "120")

        guard case .transportError(let tooBig) = responses[4].outcome else {
            Issue.record("a body over the limit must fail, got \(responses[4].outcome)")
            return
        }
        #expect(tooBig.contains("100000-byte limit"))

        guard case .transportError = responses[5].outcome else {
            Issue.record("a redirect loop must stop, got \(responses[5].outcome)")
            return
        }
        let userAgents = Set(server.requests.compactMap { $0.headers["user-agent"] })
        #expect(userAgents == ["cyberveille/test (+https://example.org/contact)"])
    }

    @Test func conditionalGetAnswersNotModified() throws {
        let server = try makeServer()
        defer { server.stop() }
        let response = Fetcher(configuration: configuration).fetch([
            FetchRequest(sourceID: "a", url: server.baseURL + "/feed.xml", etag: "\"v1\"", lastModified: nil),
        ])[0]
        #expect(response.outcome == .notModified)
        #expect(response.body.isEmpty)
        #expect(server.requests.first?.headers["if-none-match"] == "\"v1\"")
    }

    @Test func readsFilesOnlyForLocalSources() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cv-fetch-\(UUID().uuidString).xml")
        try feedBody.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let responses = Fetcher(configuration: configuration).fetch([
            FetchRequest(sourceID: "local", url: file.absoluteString, allowFile: true),
            FetchRequest(sourceID: "remote", url: file.absoluteString, allowFile: false),
        ])
        #expect(responses[0].outcome == .ok)
        #expect(responses[0].body == feedBody)
        guard case .transportError = responses[1].outcome else {
            Issue.record("file:// must be refused for a remote source")
            return
        }
    }

    @Test func reportsAConnectionFailureInWords() throws {
        let server = try makeServer()
        let url = server.baseURL + "/feed.xml"
        server.stop()
        let response = Fetcher(configuration: configuration).fetch([FetchRequest(sourceID: "x", url: url)])[0]
        guard case .transportError(let message) = response.outcome else {
            Issue.record("expected a transport error, got \(response.outcome)")
            return
        }
        #expect(!message.isEmpty)
    }
}

@Suite struct UnboundedResponseTests {
    @Test(arguments: [true, false])
    func aTwoGigabyteStreamIsCutAtTheBodyLimit(announced: Bool) throws {
        let chunk = Data(repeating: 0x3C, count: 1 << 16)
        // 2 GiB, announced by Content-Length or not (then only the running count can stop it).
        let server = try LocalHTTPServer { _ in .init(status: 200, body: chunk, repeatBody: 32_768, announceLength: announced) }
        defer { server.stop() }
        let response = Fetcher(configuration: configuration).fetch([FetchRequest(sourceID: "huge", url: server.baseURL + "/huge")])[0]
        guard case .transportError(let message) = response.outcome else {
            Issue.record("a 2 GiB body must be refused, got \(response.outcome)")
            return
        }
        #expect(message.contains("100000-byte limit"))
        #expect(response.body.isEmpty)
    }
}

@Suite struct PrivateNetworkTests {
    @Test func loopbackAndPrivateAddressesAreRefusedByDefault() throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: feedBody) }
        defer { server.stop() }
        var strict = configuration
        strict.allowPrivateNetworks = false
        let response = Fetcher(configuration: strict).fetch([FetchRequest(sourceID: "ssrf", url: server.baseURL + "/feed.xml")])[0]
        guard case .transportError(let message) = response.outcome else {
            Issue.record("a loopback URL must be refused, got \(response.outcome)")
            return
        }
        #expect(message.contains("loopback address 127.0.0.1"))
        #expect(server.requests.isEmpty)
        // A local source may reach it.
        let local = Fetcher(configuration: strict).fetch([FetchRequest(sourceID: "mine", url: server.baseURL + "/feed.xml", allowFile: true)])[0]
        #expect(local.outcome == .ok)
    }

    @Test(arguments: [
        ("10.1.2.3", true), ("172.16.0.1", true), ("172.32.0.1", false), ("192.168.1.1", true), ("169.254.169.254", true),
        ("100.64.0.1", true), ("8.8.8.8", false), ("224.0.0.1", true), ("0.0.0.0", true), ("93.184.216.34", false),
    ])
    func classifiesIPv4(address: String, refused: Bool) {
        let parts = address.split(separator: ".").compactMap { UInt32($0) }
        let value = parts.reduce(0) { $0 << 8 | $1 }
        #expect((AddressPolicy.refusal(ipv4: value) != nil) == refused)
    }

    @Test func proxiesAreReadAsCurlReadsThem() {
        let settings = ProxySettings.fromEnvironment(["HTTP_PROXY": "http://10.9.9.9:8080", "https_proxy": "http://127.0.0.1:3128",
                                                      "NO_PROXY": "localhost,127.0.0.1"])
        #expect(settings.proxy(forScheme: "http") == nil, "upper-case HTTP_PROXY is ignored (httpoxy)")
        #expect(settings.proxy(forScheme: "HTTPS") == "http://127.0.0.1:3128")
        #expect(settings.noProxy == "localhost,127.0.0.1")
        #expect(ProxySettings.endpoints(of: "http://127.0.0.1:3128") == [.init(address: "127.0.0.1", port: 3128)])
        #expect(ProxySettings.endpoints(of: "10.1.2.3") == [.init(address: "10.1.2.3", port: 1080)], "curl's default proxy port")
        #expect(ProxySettings.fromEnvironment([:]) == .none)
    }

    @Test func classifiesIPv6() {
        #expect(AddressPolicy.refusal(ipv6: Array(repeating: 0, count: 15) + [1]) != nil)  // ::1
        #expect(AddressPolicy.refusal(ipv6: [0xFE, 0x80] + Array(repeating: 0, count: 14)) != nil)
        #expect(AddressPolicy.refusal(ipv6: [0xFD, 0x12] + Array(repeating: 0, count: 14)) != nil)
        #expect(AddressPolicy.refusal(ipv6: Array(repeating: 0, count: 10) + [0xFF, 0xFF, 127, 0, 0, 1]) != nil)
        #expect(AddressPolicy.refusal(ipv6: [0x2A, 0x01, 0x0E, 0x0C] + Array(repeating: 0, count: 11) + [1]) == nil)
        #expect(AddressPolicy.refusal(ipv6: [0, 0x64, 0xFF, 0x9B] + Array(repeating: 0, count: 8) + [10, 0, 0, 1]) != nil)  // NAT64 of 10.0.0.1
        #expect(AddressPolicy.refusal(ipv6: [0x20, 0x02, 192, 168, 0, 1] + Array(repeating: 0, count: 10)) != nil)  // 6to4 of 192.168.0.1
        #expect(AddressPolicy.refusal(ipv6: Array(repeating: 0, count: 12) + [127, 0, 0, 1]) != nil)  // ::127.0.0.1
    }
}

@Suite struct MisbehavingServerTests {
    /// Made once, before any transfer starts: compressing it while a client waits could take
    /// longer than the test's 1 s low-speed window on a loaded machine.
    private static let bomb = GzipBomb.make(expandedSize: 5_000_000)

    private static func server() throws -> LocalHTTPServer {
        let bomb = Self.bomb
        return try LocalHTTPServer { request in
            switch request.path {
            case "/drip": return .init(status: 200, body: Data("<".utf8), repeatBody: 100, pauseBetweenRepeats: 0.5)
            case "/reset": return .init(status: 200, body: Data(repeating: 0x20, count: 1000), repeatBody: 50, hangUpAfter: 3)
            case "/a": return .init(status: 301, headers: [("Location", "/b")])
            case "/b": return .init(status: 308, headers: [("Location", "/c")])
            case "/c": return .init(status: 302, headers: [("Location", "/feed")])
            case "/feed": return .init(status: 200, headers: [("Content-Type", "text/plain")], body: feedBody)
            case "/far": return .init(status: 301, headers: [("Location", "/far1")])
            case "/bomb": return .init(status: 200, headers: [("Content-Encoding", "gzip")], body: bomb)
            default:
                if request.path.hasPrefix("/far") {  // six hops: one more than allowed
                    let hop = Int(request.path.dropFirst(4)) ?? 0
                    return hop < 6 ? .init(status: 301, headers: [("Location", "/far\(hop + 1)")]) : .init(status: 200, body: feedBody)
                }
                return .init(status: 404)
            }
        }
    }

    @Test func eachMisbehaviourEndsInItsOwnErrorWhileTheHealthyFeedArrives() throws {
        let server = try Self.server()
        defer { server.stop() }
        var impatient = configuration
        impatient.lowSpeedBytesPerSecond = 100
        impatient.lowSpeedSeconds = 1
        let paths = ["/drip", "/reset", "/a", "/far", "/bomb"]
        let responses = Fetcher(configuration: impatient).fetch(paths.map { FetchRequest(sourceID: $0, url: server.baseURL + $0) })
        guard case .transportError(let drip) = responses[0].outcome else { Issue.record("slow drip: \(responses[0].outcome)"); return }
        #expect(drip.lowercased().contains("too slow") || drip.lowercased().contains("timeout") || drip.lowercased().contains("speed"))
        guard case .transportError = responses[1].outcome else { Issue.record("reset mid-body: \(responses[1].outcome)"); return }
        #expect(responses[2].outcome == .ok, "a 301 → 308 → 302 chain of 3 hops is followed")
        #expect(responses[2].effectiveURL == server.baseURL + "/feed")
        #expect(responses[2].body == feedBody, "a wrong Content-Type does not matter: the bytes decide")
        guard case .transportError(let far) = responses[3].outcome else { Issue.record("6 redirects: \(responses[3].outcome)"); return }
        #expect(far.lowercased().contains("redirect"))
        // 31 KB on the wire, 5 MB inflated: the limit holds after decompression.
        guard case .transportError(let bomb) = responses[4].outcome else { Issue.record("gzip bomb: \(responses[4].outcome)"); return }
        #expect(bomb.contains("100000-byte limit"))
    }

    @Test func theGzipBombIsReal() throws {
        // Checks the test's own bomb with the real client: small, served, and inflating for real.
        let bomb = GzipBomb.make(expandedSize: 50_000)
        #expect(bomb.count < 1000)
        let server = try LocalHTTPServer { _ in .init(status: 200, headers: [("Content-Encoding", "gzip")], body: bomb) }
        defer { server.stop() }
        let response = Fetcher(configuration: configuration).fetch([FetchRequest(sourceID: "b", url: server.baseURL + "/")])[0]
        #expect(response.outcome == .ok)
        #expect(response.body.count == 50_000)
        #expect(response.body.allSatisfy { $0 == 0 })
    }
}

/// The proxy bypass of the hardening pass: with a proxy configured, its address was allowed on
/// every port, and connections that went direct (no_proxy, or a scheme the proxy does not
/// serve) reached loopback services. Now only the proxy itself, address and port, is allowed.
@Suite struct ProxyGuardTests {
    let secret = try! LocalHTTPServer { _ in .init(status: 200, body: Data("<rss><channel><title>secret</title></channel></rss>".utf8)) }
    let proxy = try! LocalHTTPServer { _ in .init(status: 200, body: feedBody) }

    private func fetch(_ url: String, _ proxies: ProxySettings) -> FetchResponse {
        var strict = configuration
        strict.allowPrivateNetworks = false
        strict.proxies = proxies
        return Fetcher(configuration: strict).fetch([FetchRequest(sourceID: "feed", url: url)])[0]
    }

    private func refused(_ response: FetchResponse) -> Bool {
        if case .transportError(let message) = response.outcome { return message.contains("loopback address 127.0.0.1") }
        return false
    }

    @Test func aFeedThroughTheProxyArrives() {
        defer { secret.stop(); proxy.stop() }
        let response = fetch("http://feeds.example.org/feed.xml", ProxySettings(http: proxy.baseURL))
        #expect(response.outcome == .ok)
        #expect(proxy.requests.first?.path == "http://feeds.example.org/feed.xml", "sent to the proxy, in absolute form")
    }

    @Test func hostsInNoProxyAreGuarded() {
        defer { secret.stop(); proxy.stop() }
        let response = fetch(secret.baseURL + "/secret.xml", ProxySettings(http: proxy.baseURL, noProxy: "localhost,127.0.0.1"))
        #expect(refused(response), "\(response.outcome)")
        #expect(secret.requests.isEmpty && proxy.requests.isEmpty)
    }

    @Test func aSchemeTheProxyDoesNotServeIsGuarded() {
        defer { secret.stop(); proxy.stop() }
        let https = fetch("https://127.0.0.1:\(secret.port)/secret.xml", ProxySettings(http: proxy.baseURL))
        #expect(refused(https), "\(https.outcome)")
        let http = fetch(secret.baseURL + "/secret.xml", ProxySettings(https: proxy.baseURL))
        #expect(refused(http), "\(http.outcome)")
        #expect(secret.requests.isEmpty && proxy.requests.isEmpty)
    }

    @Test func theProxysAddressOnAnotherPortIsGuarded() {
        defer { secret.stop(); proxy.stop() }
        // The secret service shares the proxy's address (127.0.0.1), not its port.
        let response = fetch(secret.baseURL + "/secret.xml", ProxySettings(http: proxy.baseURL, noProxy: "*"))
        #expect(refused(response), "\(response.outcome)")
        #expect(secret.requests.isEmpty)
    }

    @Test func theEnvironmentsProxyIsNeverUsedBehindTheGuardsBack() {
        defer { secret.stop(); proxy.stop() }
        // No proxy configured: curl is told so, and goes direct (and is refused), whatever the
        // process environment holds.
        let response = fetch(secret.baseURL + "/secret.xml", .none)
        #expect(refused(response), "\(response.outcome)")
    }
}
