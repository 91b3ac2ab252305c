import Config
import Foundation
import Incidents
import Model
import Publishing
import Storage
import Tagging

/// Renders the site from what is stored.
struct PublishStep {
    let environment: RunEnvironment
    let taxonomy: Taxonomy
    /// Rebuild both folders of the site from nothing (`publish --full`).
    var full = false
    /// A preview: the site as the next publication would write it, in this folder, with the
    /// same templates; nothing is stored (no item becomes published, no report is fixed).
    var previewDirectory: String?

    func run(into summary: inout RunSummary, now: Date) throws {
        let settings = environment.settings
        let publisher = try SitePublisher(templatesDirectory: settings.templatesDirectory, site: settings.site, tags: taxonomy.tags,
                                          synonyms: taxonomy.synonyms)
        // The sources file says which sources are TLP-marked: read it now, so that marking a
        // source takes effect at this publication, not only after the next fetch.
        let sources = try SourcesFile.load(path: settings.sourcesPath)
        if previewDirectory == nil { try environment.store.syncSources(sources) }
        // Both lists from one snapshot: an editor deciding meanwhile changes the next publication.
        let (items, withdrawn) = try environment.store.publicationItems(limit: settings.site.archiveItems,
                                                                        unreviewed: settings.curation.publishUnreviewed)
        let (observatories, pendingYears) = try observatoryReports(now: now, freeze: previewDirectory == nil)
        let alerts = try environment.store.publicAlerts(at: now)
        let versions = try environment.store.alertPublications(ids: alerts.map(\.id))
        let report = try publisher.publish(items: items, observatories: observatories, scheduledObservatoryReports: pendingYears,
                                           alerts: alerts, alertVersions: versions, withdrawn: withdrawn, to: previewDirectory ?? settings.outputDirectory, now: now,
                                           full: full)
        // Selected items that are now on the site have been published (the workflow's last step).
        if previewDirectory == nil {
            try environment.store.markPublished(itemIDs: items.filter { $0.curationStatus == .selected }.map(\.id), at: now)
        }
        summary.pagesWritten = report.pagesWritten
        summary.pagesReused = report.pagesReused
        summary.siteFilesRepaired = report.filesRepaired
        if report.filesRepaired > 0 {
            environment.logger.warning("site files repaired", metadata: [
                "count": "\(report.filesRepaired)", "output": "\(report.outputDirectory)"])
        }
        summary.outputDirectory = report.outputDirectory
    }

    /// The observatory's reports: one per closed year, computed and fixed at the first
    /// publication after the year's end and its delay, then republished as fixed; and the years
    /// whose report is still to come, with the day it will be published. One report per year and
    /// no all-years aggregate beside them: tables of overlapping periods could be subtracted from
    /// each other to recompute withheld counts.
    private func observatoryReports(now: Date, freeze: Bool) throws -> ([Observatory], [ScheduledObservatoryReport]) {
        let settings = environment.settings
        let schedule = ObservatorySchedule(delayDays: settings.observatoryDelayDays)
        var reports = try environment.store.frozenObservatoryReports()
        // The observatory reads declarations as facts without their private fields.
        let facts = try environment.store.incidentFacts()
        let years = Set(facts.map { ObservatoryStatistics.year(of: $0.declaredAt) })
        let statistics = ObservatoryStatistics(k: settings.observatoryK)
        var froze = false
        for year in years.sorted() where reports[year] == nil && schedule.isPublishable(year: year, now: now) {
            let report = statistics.observatory(facts, year: year)
            // A preview shows the report the next publication would fix, without fixing it.
            guard freeze else { reports[year] = report; continue }
            try environment.store.freezeObservatoryReport(report, at: now)
            froze = true
        }
        // Read back what is kept: another run may have fixed a year first, and its report is the one.
        if froze { reports = try environment.store.frozenObservatoryReports() }
        let pending = years.union([ObservatoryStatistics.year(of: now)]).filter { reports[$0] == nil }.sorted()
            .map { ScheduledObservatoryReport(year: $0, publishedFrom: schedule.publicationDate(ofYear: $0)) }
        return (reports.keys.sorted().map { reports[$0]! }, pending)
    }
}
