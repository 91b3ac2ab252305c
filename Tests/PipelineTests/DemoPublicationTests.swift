import Config
import FeedParsing
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()


@Suite struct DemoPublicationTests {
    @Test func publishesTheDemoFeedsEndToEndWithoutDuplicates() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-e2e-\(UUID().uuidString)")
        let environment = try RunEnvironment(settings: try demoSettings(in: directory), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let run = PublicationRun(environment: environment)

        let first = try run.execute(.all)
        #expect(first.feedsOK == 7)
        #expect(first.feedsFailed == 0)
        #expect(first.itemsNew >= 40)
        #expect(first.pagesWritten > 50)

        let output = directory.appendingPathComponent("Output")
        let pages = try SiteFiles.html(in: output)
        let site = pages.values.joined()
        #expect(site.contains("Un centre hospitalier de Normandie frappé par un rançongiciel"))
        #expect(site.contains("Multiples vulnérabilités dans Visionis PACS"))
        // No script from a feed, no event handler, no javascript: link anywhere: the only script
        // is the site's own search.
        #expect(pages.values.allSatisfy { $0.components(separatedBy: "<script").count - 1 == 1 })
        #expect(pages.values.allSatisfy { $0.contains("<script src=\"") && $0.contains("assets/search.js\" defer></script>") })
        #expect(!site.contains("onerror"))
        #expect(!site.contains("javascript:"))
        let broken = try SiteFiles.brokenInternalLinks(in: output)
        #expect(broken.isEmpty, "\(broken.prefix(5))")

        let atom = try Data(contentsOf: output.appendingPathComponent("atom.xml"))
        let feed = try FeedParser().parse(atom, url: "https://veille.example.org/atom.xml")
        #expect(feed.format == .atom10)
        // Health items, and urgent ones without a health word (docs/urgency.md).
        #expect(feed.items.count == min(try environment.store.publishableItems(limit: 500).count, 50))
        #expect(feed.items.allSatisfy { $0.link?.hasPrefix("https://veille.example.org/items/") ?? false })
        #expect(Set(feed.items.compactMap(\.id)).count == feed.items.count)
        for path in ["editions/atom.xml", "tags/rancongiciel/atom.xml"] {
            let parsed = try FeedParser().parse(try Data(contentsOf: output.appendingPathComponent(path)), url: "https://veille.example.org/" + path)
            #expect(!parsed.items.isEmpty, "\(path)")
        }
        // The editions feed links each item of an edition.
        let editions = try FeedParser().parse(try Data(contentsOf: output.appendingPathComponent("editions/atom.xml")),
                                              url: "https://veille.example.org/editions/atom.xml")
        let firstEdition = try #require(editions.items.first)
        #expect((firstEdition.content ?? "").contains("<a href=\"https://veille.example.org/items/"))
        let jsonFeed = try JSONSerialization.jsonObject(with: try Data(contentsOf: output.appendingPathComponent("feed.json"))) as? [String: Any]
        #expect(jsonFeed?["version"] as? String == "https://jsonfeed.org/version/1.1")
        #expect((jsonFeed?["items"] as? [Any])?.count == feed.items.count)

        let counts = try environment.store.counts()
        #expect(counts.healthItems >= 15)

        let second = try run.execute(.all)
        #expect(second.feedsOK == 7)
        #expect(second.itemsNew == 0)
        #expect(second.itemsUpdated == 0)
        #expect(try environment.store.counts().items == counts.items)
        #expect(second.json.contains("\"items_new\":0"))
    }

    @Test func aBrokenFeedFailsAloneAndThePortalIsStillPublished() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let good = root.appendingPathComponent("Feeds/demo/certfr-avis.xml").path
        try "<rss version=\"2.0\"><channel><item><title>cut".write(
            to: directory.appendingPathComponent("broken.xml"), atomically: true, encoding: .utf8)
        let sources = directory.appendingPathComponent("sources.toml")
        try """
            [[source]]
            id = "good"
            url = "\(good)"
            local = true

            [[source]]
            id = "broken"
            url = "broken.xml"
            local = true

            [[source]]
            id = "missing"
            url = "missing.xml"
            local = true
            """.write(to: sources, atomically: true, encoding: .utf8)
        var settings = try demoSettings(in: directory)
        settings.sourcesPath = sources.path
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let summary = try PublicationRun(environment: environment).execute(.all)
        #expect(summary.feedsOK == 1)
        #expect(summary.feedsFailed == 2)
        #expect(summary.pagesWritten > 0)
        let broken = try #require(summary.failures.first { $0.sourceID == "broken" })
        #expect(broken.message.contains("truncated"))
        let states = try environment.store.sourceStates()
        #expect(states["broken"]?.consecutiveFailures == 1)
        #expect(states["missing"]?.lastError != nil)
        #expect(states["good"]?.lastSuccessAt != nil)
    }
}

/// Reading a generated site back, as a reader's browser would follow it.
enum SiteFiles {
    static func html(in folder: URL) throws -> [String: String] {
        var pages: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let file = enumerator?.nextObject() as? URL {
            if file.pathExtension == "html" { pages[file.path] = try String(contentsOf: file, encoding: .utf8) }
        }
        return pages
    }

    /// Relative href and src values of every page that point to no file of the site.
    static func brokenInternalLinks(in folder: URL) throws -> [String] {
        var broken: [String] = []
        for (path, html) in try html(in: folder) {
            let page = URL(fileURLWithPath: path).deletingLastPathComponent()
            for attribute in ["href=\"", "src=\""] {
                for part in html.components(separatedBy: attribute).dropFirst() {
                    guard let end = part.firstIndex(of: "\"") else { continue }
                    let target = String(part[..<end])
                    if target.isEmpty || target.contains("://") || target.hasPrefix("#") || target.hasPrefix("mailto:") { continue }
                    let file = page.appendingPathComponent(String(target.split(separator: "#").first ?? ""))
                    if !FileManager.default.fileExists(atPath: file.standardizedFileURL.path) { broken.append("\(path): \(target)") }
                }
            }
        }
        return broken
    }
}
