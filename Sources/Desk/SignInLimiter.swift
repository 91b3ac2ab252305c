import Foundation
import Synchronization

/// Failed sign-ins, counted so that an attacker is slowed down without locking anyone else out
/// (docs/curation.md, "Sign-in limits"):
///
/// - per client address: a client that keeps failing waits, whatever names it tries;
/// - per (user name, client address): guessing one editor's password from one place stops early;
/// - per user name, across clients: applied only to clients that have themselves failed within
///   the window, so that a user name under attack never refuses its owner's right password from
///   a client that has not been failing.
///
/// A browser that has signed in as that user before (its device cookie, `DeviceCookies`) is
/// exempt from the per-user-name counter: an attack on the name never turns its owner away.
/// There is no global counter: anyone could exhaust it and lock every editor out.
final class SignInLimiter: Sendable {
    struct Limits: Sendable {
        var perClient: Int
        var perUserAndClient: Int
        var perUser: Int
        var window: TimeInterval
    }

    let limits: Limits
    private let failures = Mutex<Table>(Table())

    /// Failure times by key; keys whose failures have all aged out are dropped as the table is
    /// swept, so rotating user names cannot grow it without bound.
    private struct Table {
        var times: [String: [Date]] = [:]
        var lastSweep = Date.distantPast
    }

    init(_ limits: Limits) {
        self.limits = limits
    }

    /// Takes an attempt: nil when it may go on to the password check (and it then counts as a
    /// failure until `succeeded` says otherwise, so that parallel attempts cannot all pass during
    /// the slow hash), else the seconds to wait.
    func attempt(user: String, client: String, knownDevice: Bool = false, now: Date = Date()) -> Int? {
        let keys = Self.keys(user: user, client: client)
        return failures.withLock { table in
            sweep(&table, now: now)
            let clientFailures = recent(table, keys.client, now: now)
            var waits: [Int] = []
            if let wait = self.wait(clientFailures, limit: limits.perClient, now: now) { waits.append(wait) }
            if let wait = self.wait(recent(table, keys.userAndClient, now: now), limit: limits.perUserAndClient, now: now) {
                waits.append(wait)
            }
            if !knownDevice, !clientFailures.isEmpty,
               let wait = self.wait(recent(table, keys.user, now: now), limit: limits.perUser, now: now) {
                waits.append(wait)
            }
            if let wait = waits.max() { return wait }
            for key in [keys.client, keys.userAndClient, keys.user] { table.times[key, default: []].append(now) }
            return nil
        }
    }

    /// The attempt taken at `now` was the right password: it does not count.
    func succeeded(user: String, client: String, at now: Date) {
        let keys = Self.keys(user: user, client: client)
        forget([keys.client, keys.userAndClient, keys.user], at: now)
    }

    /// The attempt taken at `now` never reached the password check (too busy): it counts against
    /// its client only, which is flooding, and not against the user name, whose owner may be
    /// the one turned away.
    func abandoned(user: String, client: String, at now: Date) {
        let keys = Self.keys(user: user, client: client)
        forget([keys.userAndClient, keys.user], at: now)
    }

    private func forget(_ keys: [String], at now: Date) {
        failures.withLock { table in
            for key in keys {
                if let index = table.times[key]?.lastIndex(of: now) { table.times[key]?.remove(at: index) }
            }
        }
    }

    private static func keys(user: String, client: String) -> (client: String, userAndClient: String, user: String) {
        let name = user.lowercased()
        return ("c\u{0}" + client, "uc\u{0}" + name + "\u{0}" + client, "u\u{0}" + name)
    }

    private func recent(_ table: Table, _ key: String, now: Date) -> [Date] {
        (table.times[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
    }

    private func wait(_ recent: [Date], limit: Int, now: Date) -> Int? {
        guard recent.count >= limit, let oldest = recent.min() else { return nil }
        return max(1, Int((limits.window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    private func sweep(_ table: inout Table, now: Date) {
        guard now.timeIntervalSince(table.lastSweep) > 60 || table.times.count > 50_000 else { return }
        table.lastSweep = now
        table.times = table.times.compactMapValues { times in
            let kept = times.filter { now.timeIntervalSince($0) < limits.window }
            return kept.isEmpty ? nil : kept
        }
    }
}
