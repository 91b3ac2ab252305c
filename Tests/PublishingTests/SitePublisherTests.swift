import Config
import FeedParsing
import Foundation
import Model
import Testing

@testable import Publishing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let site = SiteSettings(title: "Veille <test>", description: "d", baseURL: "https://veille.example.org/", language: "fr", itemsOnHome: 50)

private func item(_ id: Int64, title: String, link: String?, health: Bool) -> PublishedItem {
    PublishedItem(
        id: id, stableKey: "k\(id)", sourceID: "certfr", sourceTitle: "CERT-FR", title: title, link: link,
        summary: "<p>Résumé</p>", content: nil, authors: ["ANSSI"], published: Date(timeIntervalSince1970: 1_795_000_000 - Double(id) * 86_400),
        updated: nil, firstSeen: Date(timeIntervalSince1970: 1_795_000_000),
        listedAt: Date(timeIntervalSince1970: 1_795_000_000 - Double(id) * 86_400), language: "fr", healthScore: health ? 0.7 : 0,
        health: health, tags: health ? [TagEvidence(tagID: "hopital", ruleID: "r", matchedText: "hôpital", field: "title")] : [],
        cves: ["CVE-2026-41872"])
}

@Suite struct SitePublisherTests {
    @Test func writesHomePageAndAtomFeedAtomically() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-site-\(UUID().uuidString)/Output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: output.appendingPathComponent("stale.html"))
        try Data().write(to: output.appendingPathComponent(".cyberveille-site"))  // a previous publication

        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site,
                                          tags: [TagDefinition(id: "hopital", group: "secteur", labelFR: "Hôpitaux", labelEN: "Hospitals")])
        let items = [item(1, title: "Un <script>hôpital</script>", link: "https://example.org/1", health: true),
                     item(2, title: "Autre", link: "javascript:alert(1)", health: false)]
        let report = try publisher.publish(items: items, to: output.path, now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(report.pagesWritten > 10)
        for path in ["index.html", "editions/2026-11-17/index.html", "items/k1/index.html", "tags/hopital/index.html",
                     "tags/hopital/atom.xml", "sources/certfr/index.html", "archives/index.html", "feed.json", "search.json",
                     "sitemap.xml", "robots.txt", "a-propos/index.html", "accessibilite/index.html", "mentions-legales/index.html",
                     "donnees-personnelles/index.html", "editions/atom.xml"] {
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(path).path), "\(path)")
        }

        let files = try FileManager.default.contentsOfDirectory(atPath: output.path)
        #expect(!files.contains("stale.html"))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        #expect(siblings.sorted() == [".Output.previous", "Output"], "the replaced site is kept for rollback, nothing else")

        let html = try String(contentsOf: output.appendingPathComponent("items/k1/index.html"), encoding: .utf8)
        #expect(html.contains("<html lang=\"fr\">"))
        #expect(html.contains("Un &lt;script&gt;hôpital&lt;/script&gt;"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("Hôpitaux"))
        #expect(html.contains("Veille &lt;test&gt;"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("assets/style.css").path))

        let atom = try Data(contentsOf: output.appendingPathComponent("atom.xml"))
        let feed = try FeedParser().parse(atom, url: "https://veille.example.org/atom.xml")
        #expect(feed.format == .atom10)
        #expect(feed.items.count == 2)
        #expect(feed.items[0].title == "Un <script>hôpital</script>")
        #expect(feed.items[0].id == "tag:veille.example.org,2026:item/k1")
        #expect(feed.items[0].link == "https://veille.example.org/items/k1/")
        #expect(!String(decoding: atom, as: UTF8.self).contains("javascript:"))
        #expect(String(decoding: atom, as: UTF8.self).contains("rel=\"related\" type=\"text/html\" href=\"https://example.org/1\""))
        #expect(feed.items[0].categories == ["hopital"])
    }

    /// The same items give the same site, byte for byte, whenever it is built.
    @Test func publishingIsDeterministic() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cv-det-\(UUID().uuidString)")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site,
                                          tags: [TagDefinition(id: "hopital", group: "secteur", labelFR: "Hôpitaux", labelEN: "Hospitals")])
        let items = (1...120).map { item(Int64($0 % 7 + 1) * 1000 + Int64($0), title: "Élément \($0)", link: "https://example.org/\($0)", health: true) }
        _ = try publisher.publish(items: items, to: base.appendingPathComponent("a").path, now: Date(timeIntervalSince1970: 1_795_000_000))
        _ = try publisher.publish(items: items, to: base.appendingPathComponent("b").path, now: Date(timeIntervalSince1970: 1_796_000_000))
        let files = try FileManager.default.subpathsOfDirectory(atPath: base.appendingPathComponent("a").path).sorted()
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: base.appendingPathComponent("b").path).sorted()))
        #expect(files.contains("tags/hopital/page/1/index.html"), "120 items: the oldest 50, and the newest 70 on the tag's page")
        #expect(!files.contains("tags/hopital/page/2/index.html"))
        // The manifest records when each file was written: the one file that differs.
        for file in files where file != ".cyberveille-manifest.tsv" {
            let a = FileManager.default.contents(atPath: base.appendingPathComponent("a/" + file).path)
            let b = FileManager.default.contents(atPath: base.appendingPathComponent("b/" + file).path)
            #expect(a == b, "\(file)")
        }
    }

    /// A second publication renders only the pages whose inputs changed, and gives the same
    /// bytes as a full build.
    @Test func publishingIsIncremental() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("cv-incr-\(UUID().uuidString)")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site,
                                          tags: [TagDefinition(id: "hopital", group: "secteur", labelFR: "Hôpitaux", labelEN: "Hospitals")])
        var items = (1...60).map { item(Int64($0), title: "Élément \($0)", link: "https://example.org/\($0)", health: true) }
        let incremental = base.appendingPathComponent("incremental").path
        let first = try publisher.publish(items: items, to: incremental)
        #expect(first.pagesReused == 0)
        let unchanged = try publisher.publish(items: items, to: incremental)
        #expect(unchanged.pagesReused >= 60)
        items[30].title = "Élément 31, corrigé"
        let changed = try publisher.publish(items: items, to: incremental)
        #expect(changed.pagesWritten < first.pagesWritten / 4, "\(changed.pagesWritten) of \(first.pagesWritten)")
        let full = base.appendingPathComponent("full").path
        _ = try publisher.publish(items: items, to: full)
        let files = try FileManager.default.subpathsOfDirectory(atPath: full).sorted()
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: incremental).sorted()))
        for file in files where !file.hasSuffix("/") && file != ".cyberveille-manifest.tsv" {
            #expect(FileManager.default.contents(atPath: full + "/" + file) == FileManager.default.contents(atPath: incremental + "/" + file), "\(file)")
        }
        #expect(try String(contentsOfFile: incremental + "/items/k31/index.html", encoding: .utf8).contains("Élément 31, corrigé"))
    }

    /// Listing pages are numbered from the oldest: a new item changes the listing's newest page
    /// only, and an archived page keeps its items.
    @Test func archivedListingPagesKeepTheirItems() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-pages-\(UUID().uuidString)/Output")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site,
                                          tags: [TagDefinition(id: "hopital", group: "secteur", labelFR: "Hôpitaux", labelEN: "Hospitals")])
        var items = (1...260).map { item(Int64($0), title: "Élément \($0)", link: nil, health: true) }
        _ = try publisher.publish(items: items, to: output.path)
        let tag = output.appendingPathComponent("tags/hopital")
        func page(_ number: Int) throws -> String {
            try String(contentsOf: tag.appendingPathComponent("page/\(number)/index.html"), encoding: .utf8)
        }
        func inodes() throws -> [Int?] {
            try ["tags/hopital", "sources/certfr"].flatMap { listing in
                try (1...4).map { number in
                    try FileManager.default.attributesOfItem(atPath: output.appendingPathComponent("\(listing)/page/\(number)/index.html").path)[.systemFileNumber] as? Int
                }
            }
        }
        // 260 items: pages 1 to 4 hold the oldest 200, the tag's own page the newest 60.
        #expect(try page(1).contains("Élément 260") && page(1).contains("Élément 211") && !page(1).contains("Élément 210<"))
        #expect(try page(4).contains("Élément 61<") && page(4).contains("Élément 110<"))
        #expect(!FileManager.default.fileExists(atPath: tag.appendingPathComponent("page/5").path))
        let front = try String(contentsOf: tag.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(front.contains("Élément 1<") && front.contains("Élément 60<") && !front.contains("Élément 61<"))
        #expect(front.contains("href=\"../../tags/hopital/page/4/index.html\" rel=\"next\""))
        let before = try inodes()

        items.insert(item(0, title: "Nouveau", link: nil, health: true), at: 0)
        _ = try publisher.publish(items: items, to: output.path)
        #expect(try inodes() == before, "archived pages are not written again")
        #expect(try String(contentsOf: tag.appendingPathComponent("index.html"), encoding: .utf8).contains("Nouveau"))
    }

    /// The browser's search index is one file per month, listed by search.json: a new item
    /// rewrites its month's file only.
    @Test func theSearchIndexIsOneFilePerMonth() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-search-\(UUID().uuidString)/Output")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        var items = (1...40).map { item(Int64($0), title: "Élément \($0)", link: nil, health: true) }  // 40 days back: two months
        _ = try publisher.publish(items: items, to: output.path)
        let list = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("search.json"))) as? [String]
        #expect(list == ["search/2026-11.json", "search/2026-10.json"])
        let october = output.appendingPathComponent("search/2026-10.json")
        let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: october)) as? [[String: String]]
        #expect(entries?.first?["t"] == "Élément 18" && entries?.first?["p"] == "items/k18/")
        #expect(entries?.count == 23)
        let octoberBefore = try FileManager.default.attributesOfItem(atPath: october.path)[.systemFileNumber] as? Int

        items.insert(item(0, title: "Nouveau", link: nil, health: true), at: 0)
        _ = try publisher.publish(items: items, to: output.path)
        let november = try String(contentsOf: output.appendingPathComponent("search/2026-11.json"), encoding: .utf8)
        #expect(november.contains("Nouveau"))
        let octoberAfter = try FileManager.default.attributesOfItem(atPath: october.path)[.systemFileNumber] as? Int
        #expect(octoberBefore == octoberAfter, "the month without news is not written again")
    }

    @Test func rollbackPutsThePreviousSiteBackAndCanBeUndone() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-rollback-\(UUID().uuidString)/Output")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        #expect(throws: PublishError.self) { try SitePublisher.rollback(outputDirectory: output.path) }
        _ = try publisher.publish(items: [item(1, title: "Première version", link: nil, health: true)], to: output.path)
        _ = try publisher.publish(items: [item(1, title: "Seconde version", link: nil, health: true)], to: output.path)
        func home() throws -> String { try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8) }
        #expect(try home().contains("Seconde version"))
        try SitePublisher.rollback(outputDirectory: output.path)
        #expect(try home().contains("Première version"))
        try SitePublisher.rollback(outputDirectory: output.path)
        #expect(try home().contains("Seconde version"))
    }

    @Test func eachPublicationLeavesTheOneBeforeIntactForRollback() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-turns-\(UUID().uuidString)/Output")
        let previous = output.deletingLastPathComponent().appendingPathComponent(".Output.previous")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        func page(_ folder: URL) throws -> String { try String(contentsOf: folder.appendingPathComponent("items/k1/index.html"), encoding: .utf8) }
        _ = try publisher.publish(items: [item(1, title: "Version A", link: nil, health: true)], to: output.path)
        // After a first publication the folder beside is a copy made of hard links: not an earlier site.
        #expect(throws: PublishError.self) { try SitePublisher.rollback(outputDirectory: output.path) }
        for version in ["B", "C", "D"] {
            let before = try page(output)
            let report = try publisher.publish(items: [item(1, title: "Version \(version)", link: nil, health: true)], to: output.path)
            #expect(report.pagesReused > 0, "only what changed is written")
            #expect(try page(output).contains("Version \(version)"))
            #expect(try page(previous) == before, "the page replaced is kept as it was, never written through a shared file")
        }
    }

    @Test func aPublicationInterruptedHalfWayIsRebuiltAndCannotBeRolledBackTo() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-interrupted-\(UUID().uuidString)/Output")
        let previous = output.deletingLastPathComponent().appendingPathComponent(".Output.previous")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        _ = try publisher.publish(items: [item(1, title: "Première", link: nil, health: true)], to: output.path)
        _ = try publisher.publish(items: [item(1, title: "Seconde", link: nil, health: true)], to: output.path)
        // What a run killed while updating the folder beside leaves: no manifest, some files changed.
        try FileManager.default.removeItem(at: previous.appendingPathComponent(StagingDirectory.manifestName))
        try Data("half".utf8).write(to: previous.appendingPathComponent("index.html"))
        #expect(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8).contains("Seconde"))
        let refused = #expect(throws: PublishError.self) { try SitePublisher.rollback(outputDirectory: output.path) }
        #expect(refused?.description.contains("interrupted") == true)
        let report = try publisher.publish(items: [item(1, title: "Troisième", link: nil, health: true)], to: output.path)
        #expect(report.pagesReused == 0, "the unknown folder is rebuilt whole")
        #expect(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8).contains("Troisième"))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("items/k1/index.html").path))
        try SitePublisher.rollback(outputDirectory: output.path)
        #expect(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8).contains("Seconde"))
    }

    @Test func aSiteBuiltButNeverSwappedInIsNotRolledBackTo() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-unswapped-\(UUID().uuidString)/Output")
        let previous = output.deletingLastPathComponent().appendingPathComponent(".Output.previous")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        _ = try publisher.publish(items: [item(1, title: "Première", link: nil, health: true)], to: output.path)
        _ = try publisher.publish(items: [item(1, title: "Seconde", link: nil, health: true)], to: output.path)
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent(StagingDirectory.unpublishedMarker).path))
        // What a failed swap leaves beside: a complete site, never served.
        try Data().write(to: previous.appendingPathComponent(StagingDirectory.unpublishedMarker))
        #expect(throws: PublishError.self) { try SitePublisher.rollback(outputDirectory: output.path) }
        _ = try publisher.publish(items: [item(1, title: "Troisième", link: nil, health: true)], to: output.path)
        try SitePublisher.rollback(outputDirectory: output.path)
        #expect(try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8).contains("Seconde"))
    }

    @Test func everyIdGetsAFolderOfItsOwn() {
        #expect(SitePublisher.pathSegment("rancongiciel") == "rancongiciel")
        #expect(SitePublisher.pathSegment("DDoS") != SitePublisher.pathSegment("ddos"))
        #expect(SitePublisher.pathSegment("a b") != SitePublisher.pathSegment("a-b"))
        #expect(!SitePublisher.pathSegment("../x").contains("/"))
        #expect(!SitePublisher.pathSegment("..").hasPrefix("."))
    }

    @Test func neverReplacesAFolderItDidNotWrite() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: output.appendingPathComponent("notes.txt"))
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        #expect(throws: PublishError.self) { try publisher.publish(items: [], to: output.path) }
        #expect(try String(contentsOf: output.appendingPathComponent("notes.txt"), encoding: .utf8) == "precious")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        #expect(!siblings.contains { $0.hasPrefix(".\(output.lastPathComponent).staging") }, "the staging folder is cleaned up")
    }

    @Test func reportsATemplateErrorWithItsFile() throws {
        let templates = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "{{#items}}unclosed".write(to: templates.appendingPathComponent("index.mustache"), atomically: true, encoding: .utf8)
        try "x".write(to: templates.appendingPathComponent("atom.mustache"), atomically: true, encoding: .utf8)
        let error = #expect(throws: PublishError.self) {
            try SitePublisher(templatesDirectory: templates.path, site: site, tags: [])
        }
        #expect(error?.description.contains("index.mustache") == true)
    }
}

@Suite struct EscapingTests {
    /// A combining acute accent: with a quote before it, one Character of two scalars.
    private static let mark = "\u{301}"

    @Test func escapesQuotesEvenWhenACombiningMarkFollows() {
        let input = "https://x/\"" + Self.mark + " onfocus=alert(1) <b" + Self.mark + ">&" + Self.mark + "\u{1}\u{FFFE}é\u{FFFF}\u{FFFD}"
        var bytes: [UInt8] = []
        ScalarHTMLEscaping.escape(input, into: &bytes)
        let escaped = String(decoding: bytes, as: UTF8.self)
        #expect(escaped.hasSuffix("&amp;" + Self.mark + "é\u{FFFD}"), "controls, U+FFFE and U+FFFF dropped; other text kept")
        let escapedQuote = "&quot;" + Self.mark
        #expect(!escaped.unicodeScalars.contains("\""))
        #expect(!escaped.unicodeScalars.contains("<"))
        #expect(escaped.hasPrefix("https://x/" + escapedQuote))
        #expect(!escaped.unicodeScalars.contains("\u{1}"))
    }

    @Test func everyASCIICharacterIsWrittenByTheRule() {
        let entities: [UInt8: String] = [0x3C: "&lt;", 0x3E: "&gt;", 0x26: "&amp;", 0x22: "&quot;", 0x27: "&#39;"]
        for byte in UInt8(0)..<0x80 {
            var bytes: [UInt8] = []
            ScalarHTMLEscaping.escape(String(UnicodeScalar(byte)), into: &bytes)
            let dropped = (byte < 0x20 && ![0x09, 0x0A, 0x0D].contains(byte)) || byte == 0x7F
            let expected = dropped ? "" : entities[byte] ?? String(UnicodeScalar(byte))
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "byte \(byte)")
        }
    }

    @Test func templatesUseIt() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-esc-\(UUID().uuidString)/Output")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
        let quote = "\"" + Self.mark
        var hostile = item(1, title: "T " + quote + " onmouseover=alert(1) x=", link: "https://x/" + quote + " onfocus=alert(1) x=y", health: false)
        hostile.language = "fr" + quote + " onclick=alert(1)"
        _ = try publisher.publish(items: [hostile], to: output.path)
        let html = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        let rawQuoteCount = html.unicodeScalars.filter { $0 == "\"" }.count
        let attributeQuotes = html.components(separatedBy: "=\"").count - 1
        #expect(rawQuoteCount == attributeQuotes * 2, "every raw quote opens or closes an attribute")
        let atom = try Data(contentsOf: output.appendingPathComponent("atom.xml"))
        #expect(throws: Never.self) { try FeedParser().parse(atom) }
    }
}

/// Third-party images in items' HTML: a tracking pixel must not learn who reads the watch.
@Suite struct RemoteImagesTests {
    private func publish(_ policy: RemoteImagePolicy?) throws -> (page: String, atom: String) {
        var settings = site
        if let policy { settings.remoteImages = policy }
        var published = item(1, title: "Avis", link: "https://example.org/1", health: true)
        published.summary = #"<p>Texte <img src="https://tracker.example.net/p.gif?u=1&amp;v=2" alt="schéma" width="1"> fin"#
            + #"<img src="https://veille.example.org/assets/own.png" alt="local"></p>"#
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-images-\(UUID().uuidString)/Output")
        let publisher = try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: settings, tags: [])
        _ = try publisher.publish(items: [published], to: output.path, now: Date(timeIntervalSince1970: 1_795_000_000))
        return (try String(contentsOf: output.appendingPathComponent("items/k1/index.html"), encoding: .utf8),
                try String(contentsOf: output.appendingPathComponent("atom.xml"), encoding: .utf8))
    }

    @Test func byDefaultAThirdPartyImageIsALinkToIt() throws {
        let (page, atom) = try publish(nil)
        #expect(!page.contains("<img src=\"https://tracker.example.net"))
        #expect(page.contains(#"<a href="https://tracker.example.net/p.gif?u=1&amp;v=2" class="remote-image" rel="noopener noreferrer">[image : schéma]</a>"#))
        #expect(page.contains(#"<img src="https://veille.example.org/assets/own.png""#), "the site's own images load")
        #expect(!atom.contains("&lt;img src=&quot;https://tracker.example.net"))
    }

    @Test func dropAndLoadDoWhatTheySay() throws {
        let dropped = try publish(.drop).page
        #expect(!dropped.contains("tracker.example.net"))
        #expect(dropped.contains("Texte") && dropped.contains("fin"))
        #expect(try publish(.load).page.contains(#"<img src="https://tracker.example.net/p.gif?u=1&amp;v=2""#))
    }
}

/// The damages of the robustness pass: the publisher used to trust its manifest, so a deleted
/// page stayed missing every other publication, a truncated feed stayed empty in both folders
/// (one inode), and a planted symbolic link was swapped back in as a live file.
@Suite struct DamagedSiteTests {
    private let items = [item(1, title: "Avis", link: "https://example.org/1", health: true),
                         item(2, title: "Autre", link: "https://example.org/2", health: false)]

    private func publisher() throws -> SitePublisher {
        try SitePublisher(templatesDirectory: root.appendingPathComponent("Templates").path, site: site, tags: [])
    }

    private func folders() -> (output: URL, previous: URL) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cv-damage-\(UUID().uuidString)/Output")
        return (output, output.deletingLastPathComponent().appendingPathComponent(".Output.previous"))
    }

    private func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func aDeletedPageAndATruncatedFeedAreWrittenAgain() throws {
        let (output, previous) = folders()
        let publisher = try publisher()
        _ = try publisher.publish(items: items, to: output.path)
        let atomSize = size(output.appendingPathComponent("atom.xml"))
        try FileManager.default.removeItem(at: output.appendingPathComponent("index.html"))
        try FileHandle(forWritingTo: output.appendingPathComponent("atom.xml")).truncate(atOffset: 0)
        var repaired: [Int] = []
        for _ in 0..<3 {
            let report = try publisher.publish(items: items, to: output.path)
            repaired.append(report.filesRepaired)
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
            #expect(size(output.appendingPathComponent("atom.xml")) == atomSize)
        }
        #expect(repaired[0] > 0 || repaired[1] > 0, "the damage was found: \(repaired)")
        #expect(FileManager.default.fileExists(atPath: previous.appendingPathComponent("index.html").path))
        #expect(size(previous.appendingPathComponent("atom.xml")) == atomSize, "both folders are whole again")
    }

    @Test func aPlantedLinkOrFileIsNeverServed() throws {
        let (output, previous) = folders()
        let publisher = try publisher()
        _ = try publisher.publish(items: items, to: output.path)
        _ = try publisher.publish(items: items, to: output.path)
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("secret.html").path, withDestinationPath: "/etc/passwd")
        try FileManager.default.removeItem(at: output.appendingPathComponent("items/k1/index.html"))
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("items/k1/index.html").path,
                                                   withDestinationPath: "/etc/hostname")
        try Data("planted".utf8).write(to: output.appendingPathComponent("planted.html"))
        try Data("alert(1)".utf8).write(to: output.appendingPathComponent("items/k2/planted.js"))
        let sources = output.appendingPathComponent("sources/certfr")
        try FileManager.default.moveItem(at: sources, to: output.appendingPathComponent("sources/moved"))
        try FileManager.default.createSymbolicLink(atPath: sources.path, withDestinationPath: "/etc")
        for _ in 0..<2 { _ = try publisher.publish(items: items, to: output.path) }
        for folder in [output, previous] {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!names.contains("secret.html") && !names.contains("planted.html"), "\(folder.lastPathComponent)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("items/k2/planted.js").path))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("sources/moved").path))
            let source = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("sources/certfr").path)
            #expect(source[.type] as? FileAttributeType == .typeDirectory, "a folder again, not a link to /etc")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("sources/certfr/index.html").path))
            let page = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("items/k1/index.html").path)
            #expect(page[.type] as? FileAttributeType == .typeRegular, "\(folder.lastPathComponent): a real page, not a link")
        }
    }

    @Test func aDamagedPreviousSiteIsNotRolledBackTo() throws {
        let (output, previous) = folders()
        let publisher = try publisher()
        _ = try publisher.publish(items: [item(1, title: "Version A", link: nil, health: true)], to: output.path)
        _ = try publisher.publish(items: [item(1, title: "Version B", link: nil, health: true)], to: output.path)
        try Data("<p>défiguré</p>".utf8).write(to: previous.appendingPathComponent("items/k1/index.html"))
        let error = #expect(throws: PublishError.self) { try SitePublisher.rollback(outputDirectory: output.path) }
        #expect(error?.description.contains("items/k1/index.html") == true)
    }

    @Test func aFullRebuildRewritesBothFolders() throws {
        let (output, previous) = folders()
        let publisher = try publisher()
        _ = try publisher.publish(items: items, to: output.path)
        _ = try publisher.publish(items: items, to: output.path)
        try FileHandle(forWritingTo: previous.appendingPathComponent("atom.xml")).truncate(atOffset: 0)
        try Data("x".utf8).write(to: previous.appendingPathComponent("stray.txt"))
        let report = try publisher.publish(items: items, to: output.path, full: true)
        #expect(report.pagesReused == 0, "nothing taken from disk")
        #expect(size(previous.appendingPathComponent("atom.xml")) == size(output.appendingPathComponent("atom.xml")))
        #expect(!FileManager.default.fileExists(atPath: previous.appendingPathComponent("stray.txt").path))
        let next = try publisher.publish(items: items, to: output.path)
        #expect(next.pagesWritten < 10 && next.filesRepaired == 0, "incremental again: \(next)")
    }
}

@Suite struct RemoteImageRewritingTests {
    @Test func anImageInsideALinkBecomesItsLabelAlone() {
        let html = #"<p><a href="https://example.org/a" rel="noopener noreferrer"><img src="https://cdn.example.net/i.png" alt="logo"></a> et <img src="https://cdn.example.net/j.png"></p>"#
        let rewritten = RemoteImages.apply(html, policy: .link, siteHost: "veille.example.org", label: "image", labelBeforeAlt: "image : ")
        #expect(rewritten == #"<p><a href="https://example.org/a" rel="noopener noreferrer">[image : logo]</a> et <a href="https://cdn.example.net/j.png" class="remote-image" rel="noopener noreferrer">[image]</a></p>"#)
    }
}

/// Alerts in a CERT's sections, from the alert's own headings.
@Suite struct AlertSectionsSplitTests {
    @Test func headingsMakeSectionsAndAnUnknownOneStaysInTheSectionBeforeIt() {
        let split = AlertSections.split("<p>Ce qui se passe.</p><h2>Risques</h2><p>Vol de données.</p><h2>Contexte</h2><p>Depuis lundi.</p>"
                                        + "<h2>Systèmes affectés :</h2><ul><li>VPN 7.2</li></ul><h2>Solution ou contournement</h2><p>Mettre à jour.</p>")
        #expect(split.lead == "<p>Ce qui se passe.</p>")
        #expect(split.sections["risks"] == "<p>Vol de données.</p><h3>Contexte</h3><p>Depuis lundi.</p>")
        #expect(split.sections["affected"] == "<ul><li>VPN 7.2</li></ul>" && split.sections["solution"] == "<p>Mettre à jour.</p>")
        #expect(split.sections["summary"] == nil && split.sections["documentation"] == nil)
    }
}

/// A CVE links to a CERT-FR document only on the operator's word or CERT-FR's own: a feed
/// writing "CERTFR-" in its links does not become CERT-FR.
@Suite struct CERTFRDocumentTests {
    func item(source: String, link: String) -> PublishedItem {
        PublishedItem(id: 1, stableKey: "k", sourceID: source, sourceTitle: source, title: "t", link: link, summary: nil, content: nil,
                      authors: [], published: nil, updated: nil, firstSeen: Date(), listedAt: Date(), language: "fr", healthScore: 0,
                      health: false, tags: [], cves: ["CVE-2026-0001"])
    }

    @Test func onlyCERTFRsSiteOrACERTFRSourceSpeakForCERTFR() {
        let official = SitePublisher.certFRDocument(item(source: "anssi", link: "https://www.cert.ssi.gouv.fr/avis/CERTFR-2026-AVI-0042/"))
        #expect(official?.id == "CERTFR-2026-AVI-0042" && official?.url == "https://www.cert.ssi.gouv.fr/avis/CERTFR-2026-AVI-0042/")
        let mirror = SitePublisher.certFRDocument(item(source: "demo-certfr-avis", link: "https://mirror.example/certfr/avis/CERTFR-2026-AVI-0043/"))
        #expect(mirror?.url == "https://mirror.example/certfr/avis/CERTFR-2026-AVI-0043/")
        #expect(SitePublisher.certFRDocument(item(source: "blog", link: "https://evil.example/CERTFR-2026-AVI-0044/")) == nil)
    }
}
