import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Random tokens (sessions, CSRF) and their comparison.
enum Tokens {
    /// 32 random bytes from the system generator, hex.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Sessions are stored by this hash, so that reading the database gives no usable token.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares without stopping at the first difference.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Failed sign-ins per user name and per client address: after `limit` failures within
/// `window`, further attempts are refused until the oldest one ages out.
final class LoginRateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Takes an attempt: nil when it is allowed (and then counted as a failure until `succeeded`
    /// says otherwise, so that parallel attempts cannot all pass the check during the slow
    /// password hash), else the seconds to wait.
    func attempt(keys: [String], now: Date = Date()) -> Int? {
        failures.withLock { table in
            let waits = keys.compactMap { key -> Int? in
                let recent = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
                table[key] = recent
                guard recent.count >= limit, let oldest = recent.first else { return nil }
                return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
            }
            if let wait = waits.max() { return wait }
            for key in keys { table[key, default: []].append(now) }
            return nil
        }
    }

    /// The attempt taken at `now` was the right password: it does not count.
    func succeeded(keys: [String], at now: Date) {
        failures.withLock { table in
            for key in keys { table[key]?.removeAll { $0 == now } }
        }
    }
}

/// Headers on every response of the desk: no script but its own file, no framing, no caching
/// of pages that show unpublished items, no referrer leaking an item's URL to a source's site.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
