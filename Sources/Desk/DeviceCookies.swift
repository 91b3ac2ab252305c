import Foundation
import Model

/// Device cookies (OWASP's answer to lockout attacks): a browser that signs in as a user gets a
/// cookie that proves it, an HMAC of the user name under a key of this desk. On that browser,
/// the user's sign-ins skip the per-user-name limit and have a password-check lane of their own,
/// so that an attack on the name, from however many addresses, never turns its owner away. The
/// cookie grants nothing else: the password is still checked.
///
/// The key lives in memory: after a restart, browsers sign in once as new devices do.
struct DeviceCookies: Sendable {
    static let name = "cv_device"
    static let lifetime = 90 * 86_400

    /// 32 random bytes.
    private let keyBytes: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }()

    /// The cookie's value for `user`.
    func value(for user: String) -> String {
        SHA2.hex(SHA2.hmacSHA256(key: keyBytes, message: Array(("device\u{0}" + user.lowercased()).utf8)))
    }

    /// Whether `cookie` was given to a browser that signed in as `user`.
    func proves(_ cookie: String?, for user: String) -> Bool {
        guard let cookie else { return false }
        return Tokens.equal(cookie, value(for: user))
    }
}
