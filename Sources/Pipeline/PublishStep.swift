import Config
import Foundation
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
        let publisher = try SitePublisher(templatesDirectory: settings.templatesDirectory, site: settings.site, tags: taxonomy.tags)
        // The sources file says which sources are TLP-marked: read it now, so that marking a
        // source takes effect at this publication, not only after the next fetch.
        try environment.store.syncSources(try SourcesFile.load(path: settings.sourcesPath))
        let items = try environment.store.publishableItems(limit: settings.site.archiveItems,
                                                          unreviewed: settings.curation.publishUnreviewed)
        let report = try publisher.publish(items: items, to: settings.outputDirectory, now: now)
        // Selected items that are now on the site have been published (the workflow's last step).
        try environment.store.markPublished(itemIDs: items.filter { $0.curationStatus == .selected }.map(\.id), at: now)
        summary.pagesWritten = report.pagesWritten
        summary.pagesReused = report.pagesReused
        summary.outputDirectory = report.outputDirectory
    }
}
