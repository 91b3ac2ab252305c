import ArgumentParser
import Config
import Foundation
import Model
import Publishing

#if canImport(Glibc)
import Glibc
#endif

/// `cyberveille bench site N`: publish a site of N generated items (a full build), then again
/// after one item changed (the daily incremental run); print figures as JSON.
struct SiteBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site", abstract: "Build an N-item site from generated items; print pages/s, incremental time, peak memory.")

    @Argument(help: "Items.") var items = 100_000
    @Option(help: "Output folder (replaced).") var output: String
    @Option(help: "Templates folder.") var templates = "Templates"
    @Option(help: "Also write the same items as a Hugo site's content (Markdown with front matter) into this folder.")
    var emitHugo: String?

    func run() throws {
        let tags = (0..<30).map { TagDefinition(id: "theme-\($0)", group: ["secteur", "technologie", "dispositif", "menace"][$0 % 4],
                                                labelFR: "Thème \($0)", labelEN: "Topic \($0)") }
        let site = SiteSettings(title: "Cyberveille santé (banc d'essai)", description: "Site généré pour le banc d'essai.",
                                baseURL: "https://veille.example.org/", language: "fr", itemsOnHome: 50)
        var settings = site
        settings.archiveItems = items
        let generator = BenchItems()
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var published = (0..<items).map { index -> PublishedItem in
            let source = index % 50
            let when = start.addingTimeInterval(-Double(index) * 365 * 86_400 / Double(max(items, 1)))
            let item = generator.item(index)
            return PublishedItem(
                id: Int64(index), stableKey: String(format: "%016x", index), sourceID: "source-\(source)", sourceTitle: "Source \(source)",
                title: item.title ?? "", link: item.link, summary: "<p>\(item.summary ?? "")</p>", content: nil, authors: [],
                published: when, updated: nil, firstSeen: when, listedAt: when, language: "fr", healthScore: 0.8, health: true,
                tags: (0..<3).map { TagEvidence(tagID: "theme-\((index * 7 + $0 * 11) % 30)", ruleID: "r\($0)", matchedText: "mot", field: "title") },
                cves: index % 5 == 0 ? ["CVE-2026-\(10_000 + index % 50_000)"] : [])
        }
        if let emitHugo { try writeHugoContent(published, tags: tags, to: emitHugo) }
        // Each build is timed from a quiet disk: not while the kernel still flushes the peer's
        // hundred thousand Markdown files (the script syncs before Hugo's build likewise).
        sync()
        let publisher = try SitePublisher(templatesDirectory: templates, site: settings, tags: tags)
        try? FileManager.default.removeItem(atPath: output)
        let clock = DispatchTime.now().uptimeNanoseconds
        let full = try publisher.publish(items: published, to: output, now: start)
        let fullSeconds = Double(DispatchTime.now().uptimeNanoseconds - clock) / 1e9
        // The daily run: one new item, one corrected.
        published[published.count / 2].title += " (mis à jour)"
        let fresh = generator.item(items)
        published.insert(PublishedItem(
            id: Int64(items), stableKey: String(format: "%016x", items), sourceID: "source-0", sourceTitle: "Source 0",
            title: fresh.title ?? "", link: fresh.link, summary: fresh.summary, content: nil, authors: [], published: start, updated: nil,
            firstSeen: start, listedAt: start.addingTimeInterval(3600), language: "fr", healthScore: 0.8, health: true,
            tags: [TagEvidence(tagID: "theme-1", ruleID: "r", matchedText: "mot", field: "title")], cves: []), at: 0)
        // The daily run comes a day after the archive was written, not while the kernel is still
        // flushing the full build's hundred thousand files: they are flushed first.
        sync()
        let again = DispatchTime.now().uptimeNanoseconds
        let incremental = try publisher.publish(items: published, to: output, now: start.addingTimeInterval(3600))
        let incrementalSeconds = Double(DispatchTime.now().uptimeNanoseconds - again) / 1e9
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let pages = full.pagesWritten + full.pagesReused
        let figures: [String: Any] = [
            "items": items, "pages": pages, "seconds": fullSeconds, "pages_per_s": Double(pages) / fullSeconds,
            "incremental_seconds": incrementalSeconds, "incremental_pages_written": incremental.pagesWritten,
            "incremental_pages_reused": incremental.pagesReused, "peak_rss_mb": Double(usage.ru_maxrss) / 1024,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
    }

    /// The peer's input: one Markdown page per item, with the same title, date, summary, tags and
    /// source as taxonomies.
    private func writeHugoContent(_ items: [PublishedItem], tags: [TagDefinition], to folder: String) throws {
        let content = URL(fileURLWithPath: folder).appendingPathComponent("content/items")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        let labels = Dictionary(uniqueKeysWithValues: tags.map { ($0.id, $0.labelFR) })
        for item in items {
            let tagList = item.tags.map { "\"\(labels[$0.tagID] ?? $0.tagID)\"" }.joined(separator: ", ")
            let text = """
                ---
                title: "\(item.title.replacingOccurrences(of: "\"", with: "'"))"
                date: \(ISO8601UTC.string(from: item.listedAt))
                tags: [\(tagList)]
                sources: ["\(item.sourceTitle)"]
                ---
                \(item.summary ?? "")

                """
            try text.write(to: content.appendingPathComponent("\(item.stableKey).md"), atomically: false, encoding: .utf8)
        }
    }
}
