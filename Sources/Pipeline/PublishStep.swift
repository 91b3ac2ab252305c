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

    func run(into summary: inout RunSummary, now: Date) throws {
        let settings = environment.settings
        let publisher = try SitePublisher(templatesDirectory: settings.templatesDirectory, site: settings.site, tags: taxonomy.tags,
                                          synonyms: taxonomy.synonyms)
        // The sources file says which sources are TLP-marked: read it now, so that marking a
        // source takes effect at this publication, not only after the next fetch.
        try environment.store.syncSources(try SourcesFile.load(path: settings.sourcesPath))
        let items = try environment.store.publishableItems(limit: settings.site.archiveItems,
                                                          unreviewed: settings.curation.publishUnreviewed)
        // The observatory reads declarations as facts without their private fields.
        let facts = try environment.store.incidentFacts()
        let statistics = ObservatoryStatistics(k: settings.observatoryK)
        // One report per year, and no all-years aggregate beside them: tables of overlapping
        // periods could be subtracted from each other to recompute withheld counts.
        let years = Set(facts.map { ObservatoryStatistics.year(of: $0.declaredAt) }).sorted()
        let observatories = years.isEmpty ? [statistics.observatory([])] : years.map { statistics.observatory(facts, year: $0) }
        let alerts = try environment.store.publicAlerts(at: now)
        let withdrawn = try environment.store.withdrawnItems(limit: settings.site.archiveItems, unreviewed: settings.curation.publishUnreviewed)
        let report = try publisher.publish(items: items, observatories: observatories, alerts: alerts, withdrawn: withdrawn,
                                           to: settings.outputDirectory, now: now)
        // Selected items that are now on the site have been published (the workflow's last step).
        try environment.store.markPublished(itemIDs: items.filter { $0.curationStatus == .selected }.map(\.id), at: now)
        summary.pagesWritten = report.pagesWritten
        summary.pagesReused = report.pagesReused
        summary.outputDirectory = report.outputDirectory
    }
}
