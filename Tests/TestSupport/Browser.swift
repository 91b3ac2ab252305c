import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A browser's worth of HTTP for the tests: cookies kept by hand, redirects not followed.
public final class Browser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    public let base: String
    public var cookies: [String: String] = [:]
    /// Sent with every request (X-Forwarded-For, to play a client behind a trusted proxy).
    public var headers: [String: String] = [:]
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    public init(base: String) { self.base = base }

    public func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    public struct Page: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String
    }

    // Async, never a blocking wait: a test blocking a thread of the cooperative pool (two on two
    // cores) while the desk's handlers need one starves the server when suites run in parallel.
    public func get(_ path: String) async -> Page { await send(path, method: "GET", form: nil) }

    public func post(_ path: String, _ form: [String: String]) async -> Page {
        await send(path, method: "POST", form: form.map { ($0.key, $0.value) })
    }

    /// A form whose names may repeat (checkboxes), in order; `json`: as desk.js asks.
    public func post(_ path: String, pairs: [(String, String)], json: Bool = false) async -> Page {
        await send(path, method: "POST", form: pairs, extraHeaders: json ? ["Accept": "application/json"] : [:])
    }

    private func send(_ path: String, method: String, form: [(String, String)]?, extraHeaders: [String: String] = [:]) async -> Page {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        for (name, value) in headers.merging(extraHeaders, uniquingKeysWith: { _, extra in extra }) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        if !cookies.isEmpty { request.setValue(cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), forHTTPHeaderField: "Cookie") }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            request.httpBody = Data(form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&").utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let page = await withCheckedContinuation { (continuation: CheckedContinuation<Page, Never>) in
            session.dataTask(with: request) { data, response, _ in
                let http = response as? HTTPURLResponse
                var headers: [String: String] = [:]
                for (key, value) in http?.allHeaderFields ?? [:] { headers[String(describing: key).lowercased()] = String(describing: value) }
                continuation.resume(returning: Page(status: http?.statusCode ?? 0, headers: headers,
                                                    body: String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
        for cookie in (page.headers["set-cookie"] ?? "").components(separatedBy: ", cv_") {
            let pair = cookie.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count >= 1, !parts[0].isEmpty else { continue }
            let name = parts[0].hasPrefix("cv_") ? parts[0] : "cv_" + parts[0]
            if parts.count == 2, !parts[1].isEmpty { cookies[name] = parts[1] } else { cookies[name] = nil }
        }
        return page
    }

    /// The value of the first hidden `csrf` field of a page.
    public static func csrf(_ body: String) -> String? {
        guard let range = body.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// Signs in through the form, as a person would (the form's token first).
public func signIn(_ browser: Browser, _ name: String, _ password: String) async -> Browser.Page {
    let form = await browser.get("/login")
    return await browser.post("/login", ["username": name, "password": password, "csrf": Browser.csrf(form.body) ?? ""])
}
