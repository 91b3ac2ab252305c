import Config
import Foundation
import Logging
import Model
import Synchronization

/// The long-running poller: a round of fetch → parse → store → tag whenever a source is due,
/// then sleep until the next one is. After a round that tagged items about health (or loaded a
/// new KEV catalog or EPSS file), the site is
/// published too (incrementally: only changed pages are rendered), unless
/// `site.publish_from_daemon` is false; the daily `run` publishes in any case.
///
/// Stopping (SIGTERM, SIGINT) abandons the transfers still running, stores what already
/// arrived (each feed in its own transaction), and returns: the database is always consistent,
/// and the next start polls only what was not stored. Each round reads the sources file and the
/// tagging rules again, so their edits take effect; a reload (SIGHUP) also reads the
/// configuration again (`cyberveille.toml`, environment) and starts a round now. A configuration
/// that does not load is logged and the running one kept.
public final class Daemon: Sendable {
    private let current: Mutex<RunEnvironment>
    private let reload: (@Sendable () throws -> RunEnvironment)?
    private let reloadRequested = Atomic<Bool>(false)
    /// Longest sleep between rounds, even when nothing is due sooner.
    private let maxSleep: TimeInterval
    private let stopRequested = Atomic<Bool>(false)
    private let wakeRequested = Atomic<Bool>(false)
    private let roundsDone = Atomic<Int>(0)
    /// The last audit entry the published site reflects (0: none yet, so the first round publishes).
    private let auditPublished = Atomic<Int64>(0)
    /// What the rounds did, for the metrics endpoint.
    public let metrics = DaemonMetrics()

    /// `reload`: builds the environment again from the configuration, for `requestReload`.
    public init(environment: RunEnvironment, maxSleep: TimeInterval = 300, reload: (@Sendable () throws -> RunEnvironment)? = nil) {
        current = Mutex(environment)
        self.reload = reload
        self.maxSleep = maxSleep
    }

    private var environment: RunEnvironment { current.withLock { $0 } }

    public func requestStop() { stopRequested.store(true, ordering: .relaxed) }
    public func requestWake() { wakeRequested.store(true, ordering: .relaxed) }
    /// Read the configuration again before the next round, and start it now.
    public func requestReload() {
        reloadRequested.store(true, ordering: .relaxed)
        requestWake()
    }
    public var rounds: Int { roundsDone.load(ordering: .relaxed) }

    public func run() {
        let logger = environment.logger
        logger.notice("daemon started", metadata: ["database": "\(environment.settings.databasePath)"])
        while !stopRequested.load(ordering: .relaxed) {
            wakeRequested.store(false, ordering: .relaxed)
            if reloadRequested.exchange(false, ordering: .relaxed), let reload {
                do {
                    let fresh = try reload()
                    current.withLock { $0 = fresh }
                    logger.notice("configuration reloaded", metadata: ["database": "\(fresh.settings.databasePath)"])
                } catch {
                    logger.error("configuration not reloaded, the running one is kept", metadata: ["error": "\(error)"])
                }
            }
            let environment = self.environment
            do {
                let summary = try PublicationRun(environment: environment, shouldStop: { [self] in
                    stopRequested.load(ordering: .relaxed)
                }).execute(.fetchOnly)
                metrics.record(summary)
                logger.info("round done", metadata: [
                    "feeds_ok": "\(summary.feedsOK)", "feeds_failed": "\(summary.feedsFailed)",
                    "items_new": "\(summary.itemsNew)", "items_updated": "\(summary.itemsUpdated)",
                ])
                for silent in summary.criticalSilent {
                    logger.error("critical source silent", metadata: ["source": "\(silent.source.id)"])
                }
                // Editors' decisions (desk, commands) are in the audit log: any since the last
                // publication also changes the site.
                let auditMark = try environment.store.latestAuditID()
                // An urgent item reaches the home page and urgent/atom.xml in the round that brought it.
                let siteMayChange = summary.itemsTaggedHealth > 0 || summary.itemsTaggedUrgent > 0 || summary.enrichmentLoaded
                    || summary.alertsChanged > 0
                    || auditMark > auditPublished.load(ordering: .relaxed)
                if environment.settings.site.publishFromDaemon, siteMayChange, !stopRequested.load(ordering: .relaxed) {
                    let published = try PublicationRun(environment: environment).execute(.publishOnly)
                    auditPublished.store(try environment.store.latestAuditID(), ordering: .relaxed)
                    metrics.recordPublication()
                    logger.info("site published", metadata: [
                        "pages_written": "\(published.pagesWritten)", "pages_reused": "\(published.pagesReused)"])
                }
            } catch {
                // A broken sources file or rules file is fixed by an editor; keep going.
                logger.error("round failed", metadata: ["error": "\(error)"])
            }
            roundsDone.add(1, ordering: .relaxed)
            sleepUntilSomethingIsDue()
        }
        logger.notice("daemon stopped")
    }

    private func sleepUntilSomethingIsDue() {
        let nextDue = (try? environment.store.sourceStates().values.compactMap(\.nextDueAt).min()) ?? nil
        let wait = min(max(nextDue.map { $0.timeIntervalSinceNow } ?? maxSleep, 1), maxSleep)
        let deadline = Date().addingTimeInterval(wait)
        while Date() < deadline && !stopRequested.load(ordering: .relaxed) && !wakeRequested.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: min(0.2, max(0, deadline.timeIntervalSinceNow)))
        }
    }
}
