import Foundation
import Synchronization

/// What the daemon has done since it started, in Prometheus' text format (version 0.0.4):
/// rounds, polls by outcome, bytes received, fetch latency, items stored, publications.
public final class DaemonMetrics: Sendable {
    private struct Counters {
        var rounds = 0
        var polls: [String: Int] = [:]
        var bytes = 0
        var latencyBuckets = [Int](repeating: 0, count: DaemonMetrics.latencyBounds.count)
        var latencySum = 0.0
        var latencyCount = 0
        var itemsNew = 0
        var itemsUpdated = 0
        var publications = 0
        var criticalSilent = 0
        var lastRound: Double = 0
    }

    static let latencyBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
    private let counters = Mutex(Counters())

    public init() {}

    func record(_ summary: RunSummary, at date: Date = Date()) {
        counters.withLock { counters in
            counters.rounds += 1
            counters.itemsNew += summary.itemsNew
            counters.itemsUpdated += summary.itemsUpdated
            counters.criticalSilent = summary.criticalSilent.count
            counters.lastRound = date.timeIntervalSince1970
            for poll in summary.polls {
                counters.polls[poll.outcome, default: 0] += 1
                counters.bytes += poll.bytes
                counters.latencySum += poll.seconds
                counters.latencyCount += 1
                for (index, bound) in Self.latencyBounds.enumerated() where poll.seconds <= bound {
                    counters.latencyBuckets[index] += 1
                }
            }
        }
    }

    func recordPublication() { counters.withLock { $0.publications += 1 } }

    public var text: String {
        let c = counters.withLock { $0 }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for (labels, value) in samples { lines.append("\(name)\(labels) \(value)") }
        }
        metric("cyberveille_rounds_total", "counter", "Rounds of polling done.", [("", "\(c.rounds)")])
        metric("cyberveille_feed_polls_total", "counter",
               "Feeds polled, by outcome (ok, not_modified, http_4xx, http_5xx, transport, bot_wall, parse).",
               c.polls.keys.sorted().map { ("{outcome=\"\($0)\"}", "\(c.polls[$0]!)") })
        metric("cyberveille_fetched_bytes_total", "counter", "Response bytes received (after decompression).", [("", "\(c.bytes)")])
        var buckets = Self.latencyBounds.enumerated().map { ("{le=\"\($0.element)\"}", "\(c.latencyBuckets[$0.offset])") }
        buckets.append(("{le=\"+Inf\"}", "\(c.latencyCount)"))
        metric("cyberveille_fetch_duration_seconds", "histogram", "Time from request to last byte, per feed.", [])
        for (labels, value) in buckets { lines.append("cyberveille_fetch_duration_seconds_bucket\(labels) \(value)") }
        lines.append("cyberveille_fetch_duration_seconds_sum \(c.latencySum)")
        lines.append("cyberveille_fetch_duration_seconds_count \(c.latencyCount)")
        metric("cyberveille_items_new_total", "counter", "Items stored for the first time.", [("", "\(c.itemsNew)")])
        metric("cyberveille_items_updated_total", "counter", "Stored items whose content changed.", [("", "\(c.itemsUpdated)")])
        metric("cyberveille_publications_total", "counter", "Site publications by the daemon.", [("", "\(c.publications)")])
        metric("cyberveille_critical_sources_silent", "gauge", "Critical sources without a success for too long.", [("", "\(c.criticalSilent)")])
        metric("cyberveille_last_round_timestamp_seconds", "gauge", "When the last round ended (Unix time).", [("", "\(c.lastRound)")])
        return lines.joined(separator: "\n") + "\n"
    }
}
