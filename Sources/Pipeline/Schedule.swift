import Foundation
import Model
import Storage

/// When each source is polled next.
enum Schedule {
    /// Failing sources back off exponentially but are retried at this cap forever, never dropped.
    static let maxBackoff: TimeInterval = 24 * 3600

    static func isDue(_ source: Source, state: SourceState?, now: Date) -> Bool {
        // Reading a local file costs no server anything: local files are read every run.
        if source.local && source.url.lowercased().hasPrefix("file:") { return true }
        guard let next = state?.nextDueAt else { return true }
        return next <= now
    }

    /// The interval, adapted to how often the feed really publishes (`publishingGap`: busy feeds
    /// sooner, quiet ones later, between a quarter and four times the configured interval),
    /// stretched to what the server (Cache-Control max-age) or the feed (ttl, sy:updatePeriod)
    /// asks — at most a day — plus a little jitter so that one host's polls spread out.
    static func nextAfterSuccess(_ source: Source, now: Date, serverMaxAge: Int? = nil, feedTTL: Int? = nil,
                                 publishingGap: TimeInterval? = nil) -> Date {
        var interval = TimeInterval(source.interval)
        if let publishingGap {
            let lower = max(interval / 4, 300), upper = min(interval * 4, 86_400)
            interval = min(max(publishingGap, lower), max(upper, lower))
        }
        let asked = TimeInterval(min(max(serverMaxAge ?? 0, feedTTL ?? 0), 86_400))
        interval = max(interval, asked)
        // A critical source (national CERT alerts) is never polled less often than configured.
        if source.critical { interval = min(interval, TimeInterval(source.interval)) }
        return now.addingTimeInterval(interval + jitter(interval))
    }

    /// The median gap between the newest items' dates (up to 10), if the feed dates them.
    static func publishingGap(_ dates: [Date]) -> TimeInterval? {
        let recent = dates.sorted(by: >).prefix(11)
        guard recent.count >= 3 else { return nil }
        let gaps = zip(recent, recent.dropFirst()).map { $0.timeIntervalSince($1) }.sorted()
        return gaps[gaps.count / 2]
    }

    /// Up to 5 % of the interval, at most 5 minutes.
    static func jitter(_ interval: TimeInterval) -> TimeInterval {
        TimeInterval.random(in: 0...min(interval * 0.05, 300))
    }

    /// interval × 2ⁿ after n consecutive failures, at most `maxBackoff`, and never sooner than
    /// the server's Retry-After.
    static func nextAfterFailure(_ source: Source, failures: Int, retryAfter: String?, now: Date) -> Date {
        let exponent = min(max(failures, 1), 16)
        var delay = min(TimeInterval(source.interval) * pow(2, Double(exponent)), maxBackoff)
        if let retryAfter, let requested = retryAfterSeconds(retryAfter, now: now) {
            delay = max(delay, min(requested, 7 * 24 * 3600))
        }
        return now.addingTimeInterval(delay)
    }

    /// Retry-After is a number of seconds or an HTTP date.
    static func retryAfterSeconds(_ value: String, now: Date) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 { return TimeInterval(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
