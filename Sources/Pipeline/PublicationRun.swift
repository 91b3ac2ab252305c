import Config
import Foundation
import Model
import Publishing
import Tagging

/// The daily publication and its parts, as the commands run them.
public struct PublicationRun: Sendable {
    public enum Stages: Sendable {
        /// fetch → parse → store → tag → publish
        case all
        /// fetch → parse → store → tag
        case fetchOnly
        /// publish what is stored
        case publishOnly
    }

    let environment: RunEnvironment
    /// Poll every enabled source, due or not.
    let force: Bool
    /// Asked about once a second while fetching: true abandons the transfers still running.
    let shouldStop: @Sendable () -> Bool
    /// Rebuild both folders of the site from nothing instead of updating the previous one.
    let fullSiteRebuild: Bool

    public init(environment: RunEnvironment, force: Bool = false, fullSiteRebuild: Bool = false,
                shouldStop: @escaping @Sendable () -> Bool = { false }) {
        self.environment = environment
        self.force = force
        self.fullSiteRebuild = fullSiteRebuild
        self.shouldStop = shouldStop
    }

    /// `publish --rollback`, under the run lock like any publication.
    public func rollbackSite() throws {
        let lock = try RunLock(databasePath: environment.settings.databasePath)
        defer { withExtendedLifetime(lock) {} }
        try SitePublisher.rollback(outputDirectory: environment.settings.outputDirectory)
    }

    public func execute(_ stages: Stages, now: Date = Date()) throws -> RunSummary {
        let settings = environment.settings
        let lock = try RunLock(databasePath: settings.databasePath)
        defer { withExtendedLifetime(lock) {} }
        let started = Date()
        var summary = RunSummary()
        let taxonomy = try Taxonomy.load(path: settings.rulesPath)
        let urgencyRules = try UrgencyRules.load(path: settings.urgencyRulesPath)
        if stages != .publishOnly {
            let sources = try SourcesFile.load(path: settings.sourcesPath)
            try timed("fetch") {
                try FetchStep(environment: environment, sources: sources, force: force, shouldStop: shouldStop)
                    .run(into: &summary, now: now)
            }
            let states = try environment.store.sourceStates()
            for source in sources where source.critical {
                guard let state = states[source.id], let attempt = state.lastAttemptAt, attempt >= now else { continue }
                summary.criticalPolled.append(source.id)
                if (state.lastSuccessAt ?? .distantPast) < now { summary.criticalFailed.append(source.id) }
            }
            summary.criticalSilent = FeedHealth.report(
                sources: sources, states: states,
                criticalSilence: TimeInterval(settings.fetch.criticalSilenceSeconds), now: now).filter(\.criticalSilent)
            for silent in summary.criticalSilent {
                environment.logger.error("critical source silent", metadata: [
                    "source": "\(silent.source.id)", "last_error": "\(silent.state?.lastError ?? "none")"])
            }
            summary.enrichmentLoaded = timed("enrich") { EnrichStep(environment: environment).run(now: now) }
            let products = FileManager.default.fileExists(atPath: settings.productsPath) || settings.configuredProductsPath != nil
                ? try ProductMatcher.load(path: settings.productsPath, seenInAdvisories: try environment.store.advisoryProducts()) : nil
            if products == nil {
                environment.logger.warning("no products file: news items are not matched to products",
                                           metadata: ["expected": "\(settings.productsPath)"])
            }
            try timed("tag") {
                try TagStep(environment: environment, classifier: Classifier(taxonomy: taxonomy, urgencyRules: urgencyRules, products: products))
                    .run(into: &summary)
            }
            // Stories after tagging: CVE sets are among their keys.
            summary.itemsGrouped += try timed("group stories") { try environment.store.groupStories(now: now).joined }
            // Tagged items without a decision go through the curation policy.
            try timed("curation policy") { try environment.store.applyCurationPolicy(settings.curation, at: now) }
            // Declarations and advisories may call for a sector alert (kept as drafts for editors).
            summary.alertsChanged = try timed("alerts") { try AlertStep(environment: environment).run(now: now) }
            try timed("search index") { try environment.store.indexForSearch() }
            if stages == .all, let purgeAfter = settings.purgeAfterSeconds {
                summary.itemsPurged = try environment.store.purge(
                    listedBefore: now.addingTimeInterval(-TimeInterval(purgeAfter)), now: now).itemsPurged
            }
        }
        if stages != .fetchOnly {
            try timed("publish") { try PublishStep(environment: environment, taxonomy: taxonomy, full: fullSiteRebuild).run(into: &summary, now: now) }
        }
        try environment.store.recordRun(
            startedAt: started, finishedAt: Date(), feedsOK: summary.feedsOK, feedsFailed: summary.feedsFailed,
            itemsNew: summary.itemsNew, itemsUpdated: summary.itemsUpdated, pagesWritten: summary.pagesWritten)
        return summary
    }

    /// The site as the next publication would write it, in `folder`, with the site's templates;
    /// nothing is stored and the public site is not touched (the desk's preview). No run lock:
    /// it writes nothing a run reads, and the desk runs one preview at a time.
    public func preview(into folder: String, now: Date = Date()) throws -> RunSummary {
        var summary = RunSummary()
        let taxonomy = try Taxonomy.load(path: environment.settings.rulesPath)
        try PublishStep(environment: environment, taxonomy: taxonomy, previewDirectory: folder).run(into: &summary, now: now)
        return summary
    }

    /// Runs one step of the run and logs how long it took (`--verbose`), so a slow run says where.
    @discardableResult
    private func timed<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        environment.logger.info("step done", metadata: ["step": "\(step)", "seconds": "\(String(format: "%.3f", seconds))"])
        return result
    }
}
