import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How many connections the desk can hold: each is a file descriptor, and a process out of
/// descriptors cannot accept the editor who wants to sign in (nor open the database). The
/// soft limit is raised to the hard one, and the desk stops accepting well before either.
enum DeskLimits {
    /// Descriptors kept for the database, templates, logs and the listening socket.
    static let reserved = 64

    static func connectionCap(_ configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return max(16, min(configured, 1024 - reserved)) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let available = limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur) - reserved
        return max(16, min(configured, available))
    }
}
