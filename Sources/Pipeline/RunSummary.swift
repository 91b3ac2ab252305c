import Foundation
import Model

/// What a run did; the `--json` line of `run`, `fetch` and `publish` (keys are a contract).
public struct RunSummary: Sendable, Equatable {
    public struct FeedFailure: Sendable, Equatable {
        public var sourceID: String
        public var message: String
    }

    /// One feed polled: how it ended, what it cost (for the daemon's metrics).
    public struct Poll: Sendable, Equatable {
        /// ok, not_modified, http_4xx, http_5xx, transport, bot_wall, parse
        public var outcome: String
        public var bytes: Int
        public var seconds: Double
    }

    public var feedsOK = 0
    public var feedsFailed = 0
    public var feedsSkipped = 0
    public var itemsNew = 0
    public var itemsUpdated = 0
    public var itemsTagged = 0
    /// Of the items tagged, those about health: what may change the site.
    public var itemsTaggedHealth = 0
    /// Of the items tagged, those judged urgent (docs/urgency.md): the daemon publishes at once.
    public var itemsTaggedUrgent = 0
    /// Items that joined a story already told by another item.
    public var itemsGrouped = 0
    public var itemsPurged = 0
    /// Sector alerts the rules created or updated.
    public var alertsChanged = 0
    /// A new KEV catalog or EPSS file was loaded: known-exploited badges may have changed.
    public var enrichmentLoaded = false
    public var pagesWritten = 0
    /// Pages whose inputs had not changed, taken as published (incremental publication).
    public var pagesReused = 0
    /// Files of the site found damaged or planted, and rewritten or removed.
    public var siteFilesRepaired = 0
    public var failures: [FeedFailure] = []
    public var polls: [Poll] = []
    /// Critical sources (national CERTs) that have not succeeded for too long.
    public var criticalSilent: [FeedHealth] = []
    public var outputDirectory: String?
    /// Critical sources polled in this run, and those of them that failed.
    public var criticalPolled: [String] = []
    public var criticalFailed: [String] = []

    public init() {}

    /// Why the feeds of this run as a whole went wrong, if they did: every source polled failed
    /// (no network, no DNS), or every critical one did. `run` and `fetch` say so on stderr and
    /// exit with `RunSummary.feedsDownStatus`, after publishing.
    public var feedsDown: String? {
        if feedsOK == 0 && feedsFailed > 0 {
            return "every source polled failed (\(feedsFailed)): is the network, DNS or the proxy down? First error: "
                + (failures.first.map { "\($0.sourceID): \($0.message)" } ?? "none")
        }
        if !criticalPolled.isEmpty && criticalFailed.count == criticalPolled.count {
            return "every critical source polled failed: " + criticalFailed.sorted().joined(separator: ", ")
        }
        return nil
    }

    /// The exit status of `run` and `fetch` when `feedsDown` (documented in docs/operations.md).
    public static let feedsDownStatus: Int32 = 3

    /// `{"feeds_ok": n, "feeds_failed": n, "items_new": n, "items_updated": n, "pages_written": n}`
    public var json: String {
        let object: [String: Int] = [
            "feeds_ok": feedsOK, "feeds_failed": feedsFailed, "items_new": itemsNew,
            "items_updated": itemsUpdated, "pages_written": pagesWritten, "critical_silent": criticalSilent.count,
            "items_grouped": itemsGrouped, "items_purged": itemsPurged, "pages_reused": pagesReused, "site_files_repaired": siteFilesRepaired,
            "alerts_changed": alertsChanged,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Lines for a person reading the terminal or the cron mail.
    public var text: String {
        var lines = ["feeds: \(feedsOK) ok, \(feedsFailed) failed" + (feedsSkipped > 0 ? ", \(feedsSkipped) not due" : ""),
                     "items: \(itemsNew) new, \(itemsUpdated) updated" + (itemsTagged > 0 ? ", \(itemsTagged) tagged" : "")
                        + (itemsGrouped > 0 ? ", \(itemsGrouped) joined a story" : "")
                        + (itemsPurged > 0 ? ", \(itemsPurged) purged" : "")]
        if let outputDirectory {
            lines.append("pages: \(pagesWritten) written to \(outputDirectory)" + (pagesReused > 0 ? ", \(pagesReused) unchanged" : "")
                + (siteFilesRepaired > 0 ? "; \(siteFilesRepaired) files found changed, missing or not ours in the folder updated, repaired" : ""))
        }
        for failure in failures { lines.append("  failed \(failure.sourceID): \(failure.message)") }
        for silent in criticalSilent {
            lines.append("ALERT: critical source \(silent.source.id) has not succeeded since "
                         + (silent.state?.lastSuccessAt.map(ISO8601UTC.string) ?? "it was added")
                         + (silent.state?.lastError.map { " (last error: \($0))" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }
}
