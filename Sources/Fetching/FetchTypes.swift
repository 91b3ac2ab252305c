import Foundation

/// One document to get.
public struct FetchRequest: Sendable, Equatable {
    public var sourceID: String
    public var url: String
    /// Validators from the previous successful fetch, for a conditional GET.
    public var etag: String?
    public var lastModified: String?
    /// Only sources marked local may use file:// URLs, and reach private networks.
    public var allowFile: Bool

    public init(sourceID: String, url: String, etag: String? = nil, lastModified: String? = nil, allowFile: Bool = false) {
        self.sourceID = sourceID
        self.url = url
        self.etag = etag
        self.lastModified = lastModified
        self.allowFile = allowFile
    }

    /// Local sources are the operator's own: they may be on a private network.
    var allowsPrivateNetworks: Bool { allowFile }
}

/// What came back. `outcome` says in one word how it went; `body` is set only for `.ok`.
public struct FetchResponse: Sendable {
    public enum Outcome: Sendable, Equatable {
        case ok
        case notModified
        /// The server answered with an HTTP error status.
        case httpError(Int)
        /// The transfer failed: DNS, connection, TLS, timeout, body over the limit, refused protocol…
        case transportError(String)
        /// The round was stopped (shutdown) before this transfer ended: nothing is known of it.
        case interrupted
    }

    public var request: FetchRequest
    public var outcome: Outcome
    public var status: Int
    public var body: Data
    public var effectiveURL: String
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    public var retryAfter: String?
    /// Set when the server answered with a bot-wall challenge rather than the document.
    public var botWall: String?
    /// Cache-Control max-age, in seconds: the server's own idea of when to ask again.
    public var maxAge: Int?
    /// The final URL, when every redirect on the way was permanent (301, 308).
    public var permanentRedirect: String?
    public var seconds: Double

    /// One line fit for logs and the feed's health row.
    public var summary: String {
        switch outcome {
        case .ok: return status == 0 ? "\(body.count) bytes" : "HTTP \(status), \(body.count) bytes"
        case .notModified: return "not modified (HTTP 304)"
        case .httpError(let code): return "HTTP \(code) " + HTTPStatus.reason(code)
        case .transportError(let message): return message
        case .interrupted: return "interrupted by shutdown"
        }
    }
}

public struct FetcherConfiguration: Sendable {
    public var userAgent: String
    public var timeoutSeconds: Int
    public var connectTimeoutSeconds: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is abandoned.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int
    public var maxBodyBytes: Int
    public var maxRedirects: Int
    public var maxConnections: Int
    public var maxConnectionsPerHost: Int
    /// Connect to loopback and private addresses for every source (tests, benchmarks, intranets).
    public var allowPrivateNetworks: Bool
    /// The proxies transfers go through (by default, those of the environment).
    public var proxies: ProxySettings = .fromEnvironment()

    public init(
        userAgent: String, timeoutSeconds: Int = 60, connectTimeoutSeconds: Int = 15, lowSpeedBytesPerSecond: Int = 64,
        lowSpeedSeconds: Int = 30, maxBodyBytes: Int = 20 << 20, maxRedirects: Int = 5, maxConnections: Int = 16,
        maxConnectionsPerHost: Int = 2, allowPrivateNetworks: Bool = false
    ) {
        self.userAgent = userAgent
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.maxConnections = maxConnections
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// "cyberveille/VERSION (+CONTACT)": names the software and where to reach its operator.
    public static func userAgent(version: String, contactURL: String) -> String {
        "cyberveille/\(version) (+\(contactURL))"
    }
}

enum HTTPStatus {
    static func reason(_ code: Int) -> String {
        switch code {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}
