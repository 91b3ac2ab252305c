import CCurl
import Foundation

/// Runs a round of transfers through one curl multi handle and returns when all are done.
/// Blocking, by design: callers run one round at a time, and every handle stays on the calling
/// thread.
public struct Fetcher: Sendable {
    public var configuration: FetcherConfiguration

    public init(configuration: FetcherConfiguration) {
        self.configuration = configuration
    }

    /// - Parameter shouldStop: checked about once a second; when it says stop, transfers still
    ///   running are abandoned and come back as `.interrupted` (never recorded as failures).
    public func fetch(_ requests: [FetchRequest], shouldStop: @Sendable () -> Bool = { false }) -> [FetchResponse] {
        guard !requests.isEmpty, let multi = curl_multi_init() else {
            return requests.map { failure($0, "cannot start libcurl") }
        }
        defer { curl_multi_cleanup(multi) }
        _ = cv_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxConnections)
        _ = cv_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)

        // Each configured proxy is resolved once per round.
        var proxyEndpoints: [String: Set<ProxySettings.Endpoint>] = [:]
        var responses: [FetchResponse?] = Array(repeating: nil, count: requests.count)
        var transfers: [Int: Transfer] = [:]  // keeps each Transfer alive while C holds its pointer
        for (index, request) in requests.enumerated() {
            guard let easy = CurlEasy() else {
                responses[index] = failure(request, "cannot create a libcurl handle")
                continue
            }
            let transfer = Transfer(request: request, easy: easy, maxBodyBytes: configuration.maxBodyBytes)
            let proxy = Self.scheme(of: request.url).flatMap { configuration.proxies.proxy(forScheme: $0) }
            if let proxy {
                if proxyEndpoints[proxy] == nil { proxyEndpoints[proxy] = ProxySettings.endpoints(of: proxy) }
                transfer.allowedProxyEndpoints = proxyEndpoints[proxy] ?? []
            }
            configure(transfer, index: index, proxy: proxy)
            transfers[index] = transfer
            curl_multi_add_handle(multi, easy.handle)
        }

        var running: Int32 = 0
        repeat {
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                var privateData: UnsafeMutableRawPointer?
                _ = cv_easy_getinfo_ptr(handle, CURLINFO_PRIVATE, &privateData)
                let index = Int(bitPattern: privateData)
                let result = message.pointee.data.result
                // Detach before the Transfer (and with it the easy handle) can be released.
                curl_multi_remove_handle(multi, handle)
                if let transfer = transfers.removeValue(forKey: index) {
                    responses[index] = response(for: transfer, result: result)
                }
            }
            if running > 0 { curl_multi_poll(multi, nil, 0, 1000, nil) }
            if running > 0 && shouldStop() {
                for transfer in transfers.values { curl_multi_remove_handle(multi, transfer.easy.handle) }
                transfers.removeAll()
                break
            }
        } while running > 0

        return responses.enumerated().map { index, response in
            response ?? FetchResponse(request: requests[index], outcome: .interrupted, status: 0, body: Data(),
                                      effectiveURL: requests[index].url, etag: nil, lastModified: nil, contentType: nil,
                                      retryAfter: nil, botWall: nil, maxAge: nil, permanentRedirect: nil, seconds: 0)
        }
    }

    private func configure(_ transfer: Transfer, index: Int, proxy: String?) {
        let easy = transfer.easy
        let request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        easy.set(CURLOPT_URL, request.url)
        easy.set(CURLOPT_PRIVATE, pointer: UnsafeMutableRawPointer(bitPattern: index))
        _ = cv_easy_setopt_write(easy.handle, Transfer.writeCallback)
        easy.set(CURLOPT_WRITEDATA, pointer: context)
        _ = cv_easy_setopt_header(easy.handle, Transfer.headerCallback)
        easy.set(CURLOPT_HEADERDATA, pointer: context)
        easy.set(CURLOPT_PROTOCOLS_STR, request.allowFile ? "file,http,https" : "http,https")
        easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        easy.set(CURLOPT_FOLLOWLOCATION, 1)
        easy.set(CURLOPT_MAXREDIRS, configuration.maxRedirects)
        easy.set(CURLOPT_NOSIGNAL, 1)
        easy.set(CURLOPT_TIMEOUT, configuration.timeoutSeconds)
        easy.set(CURLOPT_CONNECTTIMEOUT, configuration.connectTimeoutSeconds)
        easy.set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedBytesPerSecond)
        easy.set(CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedSeconds)
        easy.setLarge(CURLOPT_MAXFILESIZE_LARGE, Int64(configuration.maxBodyBytes))
        easy.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl decodes (gzip, deflate, br, zstd)
        easy.set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))  // HTTP/2 over TLS when offered, else 1.1
        easy.set(CURLOPT_PIPEWAIT, 1)  // wait to multiplex on a host's HTTP/2 connection rather than open another
        easy.set(CURLOPT_USERAGENT, configuration.userAgent)
        if !configuration.allowPrivateNetworks && !request.allowsPrivateNetworks {
            _ = cv_easy_setopt_opensocket(easy.handle, AddressPolicy.openSocket)
            easy.set(CURLOPT_OPENSOCKETDATA, pointer: context)
        } else if !configuration.allowPrivateNetworks {
            // A local source's connection, maybe to a private address, must not be reused by a
            // guarded transfer of the same round (the connection cache is shared).
            easy.set(CURLOPT_FORBID_REUSE, 1)
        }
        // The proxy is named explicitly ("" is none), so that curl never picks one from the
        // environment that the address guard has not been told about.
        easy.set(CURLOPT_PROXY, proxy ?? "")
        easy.set(CURLOPT_NOPROXY, configuration.proxies.noProxy ?? "")
        easy.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)  // a proxy's CONNECT reply is not a redirect
        easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        var headers = ["Accept: application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"]
        if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
        easy.setHeaders(headers)
    }

    private func response(for transfer: Transfer, result: CURLcode) -> FetchResponse {
        let easy = transfer.easy
        let status = easy.long(CURLINFO_RESPONSE_CODE)
        let effectiveURL = easy.string(CURLINFO_EFFECTIVE_URL) ?? transfer.request.url
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - transfer.started.uptimeNanoseconds) / 1e9
        let outcome: FetchResponse.Outcome
        if result != CURLE_OK {
            outcome = .transportError(message(for: transfer, result: result))
        } else if status == 304 {
            outcome = .notModified
        } else if status == 0 || (200..<300).contains(status) {  // file:// has no status code
            outcome = .ok
        } else {
            outcome = .httpError(status)
        }
        return FetchResponse(
            request: transfer.request, outcome: outcome, status: status,
            body: outcome == .ok ? transfer.body : Data(), effectiveURL: effectiveURL,
            etag: transfer.headers["etag"], lastModified: transfer.headers["last-modified"],
            contentType: transfer.headers["content-type"], retryAfter: transfer.headers["retry-after"],
            botWall: Self.botWall(transfer.headers), maxAge: Self.maxAge(transfer.headers["cache-control"]),
            permanentRedirect: transfer.statuses.count > 1 && transfer.statuses.dropLast().allSatisfy { $0 == 301 || $0 == 308 }
                && effectiveURL != transfer.request.url ? effectiveURL : nil,
            seconds: seconds)
    }

    static func maxAge(_ cacheControl: String?) -> Int? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if parts.count == 2, parts[0] == "max-age", let seconds = Int(parts[1]), seconds >= 0 { return seconds }
        }
        return nil
    }

    /// Challenge pages that stand in for the document (they often come with status 200 or 403).
    static func botWall(_ headers: [String: String]) -> String? {
        if let mitigated = headers["cf-mitigated"], mitigated.lowercased() == "challenge" {
            return "a bot-wall challenge (cf-mitigated: challenge)"
        }
        if headers["x-amzn-waf-action"]?.lowercased() == "challenge" || headers["x-amzn-waf-action"]?.lowercased() == "captcha" {
            return "a bot-wall challenge (x-amzn-waf-action)"
        }
        return nil
    }

    private func message(for transfer: Transfer, result: CURLcode) -> String {
        if let refused = transfer.refusedAddress {
            return "refused to connect to a \(refused) (use --allow-private-networks, or mark the source local)"
        }
        if transfer.bodyOverLimit || result == CURLE_FILESIZE_EXCEEDED {
            return "the response is larger than the \(configuration.maxBodyBytes)-byte limit"
        }
        let detail = transfer.easy.errorMessage
        return detail.isEmpty ? String(cString: curl_easy_strerror(result)) : detail
    }

    /// The scheme of a request's URL, lower-cased ("https"), nil when it has none.
    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colon]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return nil }
        return scheme.lowercased()
    }

    private func failure(_ request: FetchRequest, _ message: String) -> FetchResponse {
        FetchResponse(request: request, outcome: .transportError(message), status: 0, body: Data(),
                      effectiveURL: request.url, etag: nil, lastModified: nil, contentType: nil, retryAfter: nil, botWall: nil,
                      maxAge: nil, permanentRedirect: nil, seconds: 0)
    }
}
