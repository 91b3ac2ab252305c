import Foundation
import Model
import Testing
import TestSupport

@testable import FeedParsing

private func parse(_ xml: String, url: String? = "https://example.org/feed.xml") throws -> ParsedFeed {
    try FeedParser().parse(Data(xml.utf8), url: url)
}

@Suite struct RSSParsingTests {
    @Test func readsRSS20Items() throws {
        let feed = try parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
              <title>CERT &amp; co</title><link>https://example.org/</link><language>fr</language>
              <item>
                <title>Vuln&#233;rabilit&#233; dans &lt;b&gt;X&lt;/b&gt;</title>
                <link>/avis/1</link>
                <guid isPermaLink="false">avis-1</guid>
                <description>&lt;p onclick="x()"&gt;Texte &lt;script&gt;alert(1)&lt;/script&gt;&lt;a href="javascript:alert(1)"&gt;lien&lt;/a&gt;&lt;/p&gt;</description>
                <pubDate>Fri, 27 Nov 2026 14:30:00 +0100</pubDate>
                <dc:creator>Jo</dc:creator>
                <category>Avis</category>
                <enclosure url="https://example.org/a.pdf" length="1234" type="application/pdf"/>
              </item>
            </channel></rss>
            """)
        #expect(feed.format == .rss20)
        #expect(feed.title == "CERT & co")
        #expect(feed.language == "fr")
        let item = try #require(feed.items.first)
        #expect(item.title == "Vulnérabilité dans X")
        #expect(item.link == "https://example.org/avis/1")
        #expect(item.id == "avis-1")
        #expect(item.summary == "<p>Texte <a>lien</a></p>")
        #expect(item.published.map(ISO8601UTC.string) == "2026-11-27T13:30:00Z")
        #expect(item.authors == ["Jo"])
        #expect(item.categories == ["Avis"])
        #expect(item.enclosures == [Enclosure(url: "https://example.org/a.pdf", type: "application/pdf", length: 1234)])
    }

    @Test func readsRSS10WithModules() throws {
        let feed = try parse("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
              <channel rdf:about="https://example.org/"><title>Santé</title><link>https://example.org/</link></channel>
              <item rdf:about="https://example.org/1">
                <title>Un CHU</title><link>https://example.org/1</link>
                <dc:date>2026-11-24T09:15:00+01:00</dc:date>
                <content:encoded><![CDATA[<p>Corps <img src="/i.png" onerror="x"></p>]]></content:encoded>
              </item>
            </rdf:RDF>
            """)
        #expect(feed.format == .rss10)
        let item = try #require(feed.items.first)
        #expect(item.id == "https://example.org/1")
        #expect(item.published.map(ISO8601UTC.string) == "2026-11-24T08:15:00Z")
        #expect(item.content == "<p>Corps <img src=\"https://example.org/i.png\"></p>")
    }

    @Test func acceptsHTMLEntitiesThatXMLDoesNotDefine() throws {
        let feed = try parse("<rss version=\"2.0\"><channel><title>A&nbsp;B &eacute;t&eacute;</title></channel></rss>")
        #expect(feed.title == "A B été")  // NBSP collapses with the other whitespace of a title
    }

    @Test func readsLatin1WithoutDeclaration() throws {
        var bytes = Data("<rss version=\"0.91\"><channel><title>".utf8)
        bytes.append(contentsOf: [0x45, 0x74, 0xE9])  // "Eté" in Latin-1
        bytes.append(contentsOf: Data("</title></channel></rss>".utf8))
        let feed = try FeedParser().parse(bytes)
        #expect(feed.format == .rss09x)
        #expect(feed.title == "Eté")
    }
}

@Suite struct AtomParsingTests {
    @Test func resolvesXMLBaseAndReadsTextConstructs() throws {
        let feed = try parse("""
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr" xml:base="https://example.org/blog/">
              <title type="html">A &lt;em&gt;b&lt;/em&gt;</title>
              <link href="./"/>
              <updated>2026-11-28T10:00:00Z</updated>
              <entry xml:base="2026/">
                <id>tag:example.org,2026:1</id>
                <title>Entrée</title>
                <link rel="alternate" href="post.html"/>
                <link rel="enclosure" href="a.mp3" type="audio/mpeg" length="10"/>
                <updated>2026-11-28T10:00:00+02:00</updated>
                <author><name>ANSSI</name></author>
                <category term="guide"/>
                <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Voir <a href="x.html">ceci</a></p></div></content>
              </entry>
            </feed>
            """)
        #expect(feed.format == .atom10)
        #expect(feed.title == "A b")
        #expect(feed.link == "https://example.org/blog/")
        #expect(feed.language == "fr")
        let entry = try #require(feed.items.first)
        #expect(entry.link == "https://example.org/blog/2026/post.html")
        #expect(entry.updated.map(ISO8601UTC.string) == "2026-11-28T08:00:00Z")
        #expect(entry.authors == ["ANSSI"])
        #expect(entry.categories == ["guide"])
        #expect(entry.content == "<p>Voir <a href=\"https://example.org/blog/2026/x.html\" rel=\"noopener noreferrer\">ceci</a></p>")
        #expect(entry.enclosures.first?.url == "https://example.org/blog/2026/a.mp3")
        #expect(entry.language == "fr")
    }

    @Test func readsJSONFeed() throws {
        let feed = try parse("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "J", "home_page_url": "https://example.org/",
             "items": [{"id": "1", "url": "https://example.org/1", "title": "T", "content_html": "<p>x<script>y</script></p>",
                        "date_published": "2026-11-01T00:00:00Z", "authors": [{"name": "A"}], "tags": ["t"]}]}
            """)
        #expect(feed.format == .jsonFeed)
        #expect(feed.items.first?.content == "<p>x</p>")
        #expect(feed.items.first?.authors == ["A"])
    }
}

@Suite struct HostileInputTests {
    @Test func rejectsADocumentThatIsNotAFeed() {
        #expect(throws: FeedParseError.self) { try parse("<html><body>login</body></html>") }
        do {
            _ = try parse("<html><body>login</body></html>")
        } catch let error as FeedParseError {
            #expect(error.kind == .notAFeed)
            #expect(error.description.contains("an HTML page"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func rejectsATruncatedFeedWithItsLine() throws {
        let error = #expect(throws: FeedParseError.self) {
            try parse("<rss version=\"2.0\"><channel>\n<item><title>a</title></item>\n<item><title>b")
        }
        #expect(error?.kind == .malformedXML)
        #expect(error?.line != nil)
    }

    @Test func neverExpandsExternalEntities() throws {
        let feed = try parse("""
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>t&xxe;</title></channel></rss>
            """)
        #expect(feed.title == "t")
    }

    @Test func stopsBillionLaughs() {
        let entities = (1...9).map { "<!ENTITY l\($0) \"" + String(repeating: "&l\($0 - 1);", count: 10) + "\">" }.joined()
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"lol\">\(entities)]><rss version=\"2.0\"><channel><title>&l9;</title></channel></rss>"
        // Either refused or read without substitution; never expanded to 10^9 "lol".
        if let feed = try? parse(xml) {
            #expect((feed.title ?? "").count < 100)
        }
    }

    @Test func enforcesTheDocumentSizeLimit() {
        let parser = FeedParser(limits: FeedParserLimits(maxDocumentBytes: 100))
        #expect(throws: FeedParseError.self) {
            try parser.parse(Data(String(repeating: " ", count: 200).utf8))
        }
    }
}

@Suite struct DateParserTests {
    @Test(arguments: [
        ("Fri, 27 Nov 2026 14:30:00 +0100", "2026-11-27T13:30:00Z"),
        ("Fri, 27 Nov 2026 14:30:00 GMT", "2026-11-27T14:30:00Z"),
        ("27 Nov 2026 14:30 EST", "2026-11-27T19:30:00Z"),
        ("Fri, 27 Nov 26 14:30:00 Z", "2026-11-27T14:30:00Z"),
        ("vendredi 27 novembre 2026 14:30:00 +0100", "2026-11-27T13:30:00Z"),
        ("Fr, 27 Dez 2026 14:30:00 +0100", "2026-12-27T13:30:00Z"),
        ("2026-11-27T14:30:00Z", "2026-11-27T14:30:00Z"),
        ("2026-11-27T14:30:00.250+02:00", "2026-11-27T12:30:00Z"),
        ("2026-11-27T14:30+02:00", "2026-11-27T12:30:00Z"),
        ("2026-11-27", "2026-11-27T00:00:00Z"),
        ("2026", "2026-01-01T00:00:00Z"),
    ])
    func readsDatesOfTheWild(raw: String, expected: String) {
        #expect(DateParser.parse(raw).map(ISO8601UTC.string) == expected)
    }

    @Test(arguments: ["Mon, 31 Feb 2026 10:00:00 GMT", "2026-02-30", "2026-11-27T25:00:00Z", "not a date", "", "Fri, 27 Foo 2026"])
    func rejectsImpossibleDates(raw: String) {
        #expect(DateParser.parse(raw) == nil)
    }
}

@Suite struct AmbiguousDateTests {
    @Test func frenchTuesdayIsNotMarch() {
        #expect(DateParser.parse("mar. 10 juin 2025 14:00 +0200").map(ISO8601UTC.string) == "2025-06-10T12:00:00Z")
        #expect(DateParser.parse("Mar 10 2025 10:00 GMT").map(ISO8601UTC.string) == "2025-03-10T10:00:00Z")
        #expect(DateParser.parse("1er mars 2026 08:00").map(ISO8601UTC.string) == "2026-03-01T08:00:00Z")
    }
}

/// Every real feed of the shared corpus parses with its items; the counts are printed so that a
/// regression shows which feed lost what.
@Suite(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) struct RealWorldFeedTests {
    static let directory = SharedCorpus.url("realworld/feeds")

    static var files: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "xml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func theSharedCorpusIsThere() {
        #expect(Self.files.count >= 10, "expected ../shared/corpus/realworld/feeds beside the repository")
    }

    @Test(arguments: RealWorldFeedTests.files)
    func parsesWithItems(file: URL) throws {
        let data = try Data(contentsOf: file)
        let feed = try FeedParser().parse(data, url: file.absoluteString)
        let expected = Self.itemElementCount(data)
        print("\(file.lastPathComponent): \(feed.format.rawValue), \(feed.items.count) items (\(expected) item/entry elements)")
        #expect(feed.items.count == expected)
        #expect(feed.items.allSatisfy { ($0.title ?? "").isEmpty == false || $0.summary != nil || $0.content != nil })
    }

    /// Independent count of <item> and <entry> start tags, to check nothing is dropped.
    static func itemElementCount(_ data: Data) -> Int {
        let text = String(decoding: data, as: UTF8.self)
        return text.components(separatedBy: "<item>").count - 1 + text.components(separatedBy: "<item ").count - 1
            + text.components(separatedBy: "<entry>").count - 1 + text.components(separatedBy: "<entry ").count - 1
    }
}

@Suite struct FeedTTLTests {
    @Test func readsTTLAndTheSyndicationModule() throws {
        let rss = try FeedParser().parse(Data("<rss version=\"2.0\"><channel><ttl>90</ttl></channel></rss>".utf8))
        #expect(rss.ttlSeconds == 5400)
        let rdf = try FeedParser().parse(Data("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                     xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
              <channel><title>t</title><sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency></channel>
            </rdf:RDF>
            """.utf8))
        #expect(rdf.ttlSeconds == 21_600)
    }
}

@Suite struct OPMLTests {
    @Test func readsNestedOutlinesAndSkipsNonHTTPOnes() throws {
        let opml = """
            <?xml version="1.0"?>
            <opml version="2.0"><head><title>t</title></head><body>
              <outline text="Sécurité">
                <outline type="rss" text="CERT-FR" xmlUrl="https://www.cert.ssi.gouv.fr/avis/feed/" htmlUrl="https://www.cert.ssi.gouv.fr/" language="fr"/>
                <outline type="rss" title="Local" text="x" xmlUrl="file:///etc/passwd"/>
              </outline>
              <outline type="rss" text="CISA &amp; co" xmlUrl="https://www.cisa.gov/cybersecurity-advisories/all.xml"/>
            </body></opml>
            """
        let outlines = try OPMLReader.outlines(Data(opml.utf8))
        #expect(outlines.map(\.title) == ["CERT-FR", "CISA & co"])
        #expect(outlines[0].language == "fr")
        #expect(outlines[0].siteURL == "https://www.cert.ssi.gouv.fr/")
        #expect(throws: FeedParseError.self) { try OPMLReader.outlines(Data("<rss/>".utf8)) }
    }

    /// Before: one `mailto:` outline stopped the whole import with a misleading message.
    @Test func anOutlineThatCannotBeASourceIsSkippedAndNamed() throws {
        let opml = """
            <opml version="2.0"><body>
              <outline text="Écrire au CERT" xmlUrl="mailto:cert@example.org"/>
              <outline text="CERT-FR" xmlUrl="https://www.cert.ssi.gouv.fr/avis/feed/"/>
              <outline text="Relatif" xmlUrl="/feed.xml"/>
            </body></opml>
            """
        let list = try OPMLReader.read(Data(opml.utf8))
        #expect(list.outlines.map(\.title) == ["CERT-FR"])
        #expect(list.skipped.map(\.title) == ["Écrire au CERT", "Relatif"])
        #expect(list.skipped.first?.feedURL == "mailto:cert@example.org")
    }
}

@Suite struct UTF16Tests {
    @Test(arguments: [true, false])
    func readsUTF16WithItsAmpersandsIntact(bigEndian: Bool) throws {
        // "Ц" is U+0426: in UTF-16LE its bytes are 26 04, and 0x26 is "&".
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>Ц &amp; Я&nbsp;!</title></channel></rss>"
        var data = Data(bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE])
        for unit in xml.utf16 {
            data.append(contentsOf: bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)])
        }
        #expect(try FeedParser().parse(data).title == "Ц & Я !")
    }
}

@Suite struct ConcurrentTranslationTests {
    private final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var ids: [String] = []
        func add(_ item: ParsedItem) { lock.withLock { ids.append(item.id ?? "?") } }
        var all: [String] { lock.withLock { ids } }
    }

    /// Every document on the second thread.
    private let parser = FeedParser(limits: FeedParserLimits(concurrentTranslationBytes: 0))

    private func feed(items: Int, brokenAt: Int? = nil) -> Data {
        let body = (0..<items).map { index in
            index == brokenAt ? "<item><guid>\(index)</guid><title>x</titl></item>"
                : "<item><guid>\(index)</guid><title>t\(index)</title><description>&lt;p&gt;d&lt;/p&gt;</description></item>"
        }.joined()
        return Data("<rss version=\"2.0\"><channel>\(body)</channel></rss>".utf8)
    }

    @Test func itemsComeInDocumentOrder() throws {
        let expected = (0..<500).map(String.init)
        #expect(try parser.parse(feed(items: 500)).items.compactMap(\.id) == expected)
        let collector = Collector()
        let streamed = try parser.parse(feed(items: 500), onItem: collector.add)
        #expect(streamed.items.isEmpty)
        #expect(collector.all == expected)
    }

    @Test func aSecondPassDeliversNothingTwice() throws {
        // A windows-1252 byte in item 200 of a document without declaration: the UTF-8 pass stops
        // there, the windows-1252 pass reads it all again.
        var data = Data("<rss version=\"2.0\"><channel>".utf8)
        for index in 0..<300 {
            data.append(contentsOf: Data("<item><guid>\(index)</guid><title>t".utf8))
            if index == 200 { data.append(0x92) }  // ’ in windows-1252, invalid UTF-8
            data.append(contentsOf: Data("</title><description>&lt;p&gt;d&lt;/p&gt;</description></item>".utf8))
        }
        data.append(contentsOf: Data("</channel></rss>".utf8))
        let collector = Collector()
        let result = try parser.parse(data, onItem: collector.add)
        #expect(result.recovered)
        #expect(collector.all == (0..<300).map(String.init), "each item once, in order")
    }

    @Test func aFailedDocumentStopsDelivering() throws {
        let collector = Collector()
        // Cut short inside item 200 (a wrong end tag is recovered; a truncated document is not).
        let whole = feed(items: 300)
        let cut = whole.prefix(upTo: whole.range(of: Data("<guid>200</guid>".utf8))!.upperBound)
        #expect(throws: FeedParseError.self) { try parser.parse(Data(cut), onItem: collector.add) }
        let ids = collector.all
        #expect(ids.count == Set(ids).count, "no item delivered twice")
        #expect(ids == Array((0..<200).map(String.init).prefix(ids.count)), "in order, and only items before the error")
    }
}

/// Feeds of the wild, by the formats' specifications and what real feeds do.
@Suite struct WildFeedTests {
    @Test(arguments: ["1", "1.0", "1.1", "https://jsonfeed.org/version/1.1"])
    func jsonFeedVersionsAsWrittenInTheWild(version: String) throws {
        let json = #"{"version": "\#(version)", "title": "J", "items": [{"id": "1", "title": "x", "author": {"name": "A"}, "authors": [{"name": "B"}]}]}"#
        let feed = try FeedParser().parse(Data(json.utf8))
        #expect(feed.format == .jsonFeed)
        #expect(Set(feed.items[0].authors) == ["A", "B"], "1.1 authors and 1.0 author both count")
    }

    @Test func brokenInlineXHTMLIsRecoveredNotRefused() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Un <b>titre</div></title></entry>
            </feed>
            """
        let feed = try FeedParser().parse(Data(atom.utf8))
        #expect(feed.recovered)
        #expect(feed.items.first?.title?.hasPrefix("Un") == true)
    }

    /// The entries after a broken one were lost: libxml2's recovery ends the innermost element
    /// at any end tag, so each later end tag closed one level too few and the next entries
    /// nested inside the broken one. An end tag now ends the element it names.
    @Test func entriesAfterABrokenOneAreKeptWithTheirText() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
            <entry><id>1</id><title>Un</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Gras <b>texte</p> suite</i></div></content></entry>
            <entry><id>2</id><title>Deux</title><summary>second</summary></entry>
            <entry><id>3</id><title>Trois</title></entry>
            </feed>
            """
        let feed = try FeedParser().parse(Data(atom.utf8))
        #expect(feed.recovered)
        #expect(feed.items.map(\.id) == ["1", "2", "3"])
        #expect(feed.items.map(\.title) == ["Un", "Deux", "Trois"])
        #expect(feed.items[0].content == "<p>Gras <b>texte</b></p> suite", "the element a stray end tag names is ended; one it names not is ignored")
        #expect(feed.items[1].summary == "second")
    }

    @Test func charactersXMLForbidsAreDropped() throws {
        let rss = "<rss version=\"2.0\"><channel><title>Ti\u{01}tre</title><item><title>A\u{02}B</title></item></channel></rss>"
        let feed = try FeedParser().parse(Data(rss.utf8))
        #expect(feed.recovered)
        #expect(feed.title == "Titre" && feed.items.first?.title == "AB")
    }

    @Test func atomElementsInsideRSSStandInForMissingOnes() throws {
        let rss = """
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>t</title>
            <item><atom:title>Titre atom</atom:title><atom:id>urn:x</atom:id><atom:link rel="alternate" href="https://example.org/a"/>
            <atom:content type="html">&lt;p&gt;corps&lt;/p&gt;</atom:content><atom:summary>résumé</atom:summary>
            <atom:published>2026-12-01T10:00:00Z</atom:published><atom:updated>2026-12-02T10:00:00Z</atom:updated></item>
            <item><title>RSS d'abord</title><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate><atom:title>non</atom:title>
            <atom:published>2026-12-01T10:00:00Z</atom:published></item>
            </channel></rss>
            """
        let items = try FeedParser().parse(Data(rss.utf8), url: "https://example.org/feed").items
        #expect(items[0].title == "Titre atom" && items[0].id == "urn:x" && items[0].link == "https://example.org/a")
        #expect(items[0].content == "<p>corps</p>" && items[0].summary == "résumé")
        #expect(items[0].published.map(ISO8601UTC.string) == "2026-12-01T10:00:00Z")
        #expect(items[0].updated.map(ISO8601UTC.string) == "2026-12-02T10:00:00Z")
        #expect(items[1].title == "RSS d'abord" && items[1].published.map(ISO8601UTC.string) == "2026-11-30T08:00:00Z", "the RSS element wins")
    }

    @Test func relativeLinksWithoutABaseStayAsWritten() throws {
        let rss = """
            <rss version="2.0"><channel><title>t</title><link>/home</link>
            <item><title>r</title><link>articles/1</link></item>
            <item xml:base="https://example.org/blog/"><title>b</title><link>articles/2</link></item></channel></rss>
            """
        let feed = try FeedParser().parse(Data(rss.utf8), url: nil)
        #expect(feed.link == "/home")
        #expect(feed.items[0].link == "articles/1", "never resolved against a local path")
        #expect(feed.items[1].link == "https://example.org/blog/articles/2", "the document's own base")
    }
}
