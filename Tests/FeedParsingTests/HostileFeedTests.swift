import Foundation
import Model
import Testing
import TestSupport

@testable import FeedParsing

/// Feeds written to hurt: each is refused or read within bounds, and nothing hostile survives.
@Suite struct HostileFeedTests {
    @Test func externalEntitiesTowardsALocalServerAreNeverFetched() throws {
        let server = try LocalHTTPServer { _ in .init(status: 200, body: Data("<!ENTITY leak 'LEAKED'>".utf8)) }
        defer { server.stop() }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss SYSTEM "\(server.baseURL)/dtd" [
              <!ENTITY remote SYSTEM "\(server.baseURL)/entity">
              <!ENTITY % parameter SYSTEM "\(server.baseURL)/parameter"> %parameter;
            ]>
            <rss version="2.0"><channel><title>t&remote;&leak;</title></channel></rss>
            """
        let feed = try? FeedParser().parse(Data(xml.utf8), url: "https://example.org/feed")
        #expect(feed?.title?.contains("LEAKED") != true)
        #expect(server.requests.isEmpty, "the parser made \(server.requests.count) requests")
    }

    @Test func externalEntitiesTowardsALocalFileAreNeverRead() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("cv-secret-\(UUID().uuidString)")
        try Data("TOPSECRET".utf8).write(to: secret)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY xxe SYSTEM "\(secret.absoluteString)">]>
            <rss version="2.0"><channel><title>t&xxe;</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>
            """
        let feed = try FeedParser().parse(Data(xml.utf8))
        let everything = [feed.title, feed.items.first?.title, feed.items.first?.summary].compactMap { $0 }.joined()
        #expect(!everything.contains("TOPSECRET"))
    }

    @Test func billionLaughsIsRefused() {
        let levels = (1...10).map { "<!ENTITY l\($0) \"" + String(repeating: "&l\($0 - 1);", count: 10) + "\">" }.joined()
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY l0 \"lol\">\(levels)]>"
            + "<rss version=\"2.0\"><channel><title>&l10;</title></channel></rss>"
        // libxml2 sees the amplification and stops; we never substitute entities anyway.
        let error = #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
        #expect(error?.kind == .malformedXML)
        #expect(error?.message.contains("entity") == true)
    }

    @Test func repeatedInternalEntitiesAreBounded() {
        let big = String(repeating: "x", count: 10_000)
        let xml = "<!DOCTYPE rss [<!ENTITY big \"\(big)\">]><rss version=\"2.0\"><channel><title>"
            + String(repeating: "&big;", count: 1000) + "</title></channel></rss>"
        let error = #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
        #expect(error?.message.contains("entity expansion") == true)
    }

    @Test func hundredThousandDeepNestingIsRefused() {
        let depth = 100_000
        let xml = "<rss version=\"2.0\"><channel><item><description>" + String(repeating: "<x>", count: depth)
            + String(repeating: "</x>", count: depth) + "</description></item></channel></rss>"
        let error = #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
        #expect(error?.description.lowercased().contains("depth") == true)
    }

    @Test func aDocumentOverTheLimitIsRefusedBeforeParsing() {
        let parser = FeedParser(limits: FeedParserLimits(maxDocumentBytes: 1 << 20))
        let huge = Data(repeating: 0x20, count: (1 << 20) + 1)
        let error = #expect(throws: FeedParseError.self) { try parser.parse(huge) }
        #expect(error?.kind == .tooLarge(limit: 1 << 20))
    }

    @Test func nothingOfAScriptInjectionSurvives() throws {
        let vectors = [
            "<script>alert(1)</script>", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
            "<img src=x onerror=alert(1)>", "<img src=\"javascript:alert(1)\">", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
            "<a href=\"JaVaScRiPt:alert(1)\">a</a>", "<a href=\" javascript:alert(1)\">b</a>", "<a href=\"java&#x09;script:alert(1)\">c</a>",
            "<a href=\"vbscript:msgbox(1)\">d</a>", "<a href=\"data:text/html,<script>alert(1)</script>\">e</a>",
            "<svg onload=alert(1)><a xlink:href=\"javascript:alert(1)\">f</a></svg>", "<math><mi xlink:href=\"javascript:alert(1)\">g</mi></math>",
            "<iframe src=\"https://evil.example\"></iframe>", "<object data=\"x.swf\"></object>", "<embed src=\"x.swf\">",
            "<form action=\"https://evil.example\"><input name=p></form>", "<style>body{background:url(javascript:alert(1))}</style>",
            "<p style=\"background:url(javascript:alert(1))\">h</p>", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<base href=\"https://evil.example/\">", "<div onclick=\"alert(1)\" onmouseover=\"alert(1)\">i</div>",
            "<img srcset=\"javascript:alert(1) 1x\">", "<a href=\"https://ok.example/\" target=\"_blank\">j</a>",
            "<<script>script>alert(1)<</script>/script>", "<scr<script>ipt>alert(1)</script>", "<!--<script>alert(1)</script>-->",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>", "<template><script>alert(1)</script></template>",
        ]
        let items = vectors.enumerated().map { index, vector in
            "<item><title>t\(index)</title><description><![CDATA[\(vector)]]></description>"
                + "<content:encoded>\(MarkupEscaping.escapeText(vector))</content:encoded></item>"
        }.joined()
        let xml = "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\(items)</channel></rss>"
        let feed = try FeedParser().parse(Data(xml.utf8), url: "https://example.org/feed")
        #expect(feed.items.count == vectors.count)
        for item in feed.items {
            for html in [item.summary, item.content].compactMap({ $0 }) {
                for (name, value) in Self.attributes(in: html) {
                    #expect(["href", "src", "alt", "title", "rel", "width", "height"].contains(name), "attribute \(name) in \(html)")
                    if name == "href" || name == "src" {
                        #expect(value.hasPrefix("https://") || value.hasPrefix("http://"), "\(name)=\(value) in \(html)")
                    }
                }
                for tag in ["<script", "<iframe", "<object", "<embed", "<form", "<input", "<style", "<meta", "<base", "<svg", "<math", "<noscript", "<template"] {
                    #expect(!html.lowercased().contains(tag), "\(tag) survived in \(html)")
                }
            }
        }
    }

    /// Attribute names and values of the tags in sanitized HTML (our own output, so regular).
    private static func attributes(in html: String) -> [(String, String)] {
        let pattern = #/ ([a-zA-Z:-]+)="([^"]*)"/#
        return html.matches(of: pattern).map { (String($0.output.1).lowercased(), String($0.output.2)) }
    }
}

@Suite struct AttributeFloodTests {
    private static let flood = (0..<40_000).map { " a\($0)=\"x\"" }.joined()

    @Test func aFeedElementWithTensOfThousandsOfAttributesIsRefused() {
        let xml = "<rss version=\"2.0\"><channel><item\(Self.flood)><title>t</title></item></channel></rss>"
        let error = #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
        #expect(error?.message.contains("attributes") == true)
    }

    @Test func anHTMLFragmentWithTensOfThousandsOfAttributesIsDropped() {
        #expect(HTMLSanitizer.sanitize("<p\(Self.flood)>x</p>", base: nil) == "")
        #expect(HTMLSanitizer.sanitize("<p a=\"1\" b c='d'>x</p>", base: nil) == "<p>x</p>")
    }

    @Test(arguments: [
        "<_x", "<:x", "<é",  // names that do not start with an ASCII letter
    ])
    func floodsUnderOtherTagNamesAreSeen(opening: String) {
        let flood = (0..<1000).map { " a\($0)=\"x\"" }.joined()
        let xml = "<rss version=\"2.0\"><channel>\(opening)\(flood)/></channel></rss>"
        #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
    }

    @Test func floodsWithoutSpacesOrAfterAStrayQuoteAreSeen() {
        let glued = "<p" + (0..<1000).map { " a\($0)=\"x\"" }.joined().replacingOccurrences(of: "\" a", with: "\"a") + ">x</p>"
        #expect(HTMLSanitizer.sanitize(glued, base: nil) == "")
        let afterStrayQuote = "<description><![CDATA[<b t='x]]></description><item\(Self.flood)/>"
        let xml = "<rss version=\"2.0\"><channel>\(afterStrayQuote)</channel></rss>"
        #expect(throws: FeedParseError.self) { try FeedParser().parse(Data(xml.utf8)) }
    }

    @Test func aStrayQuoteInsideCDATADoesNotMakeALongTag() throws {
        let long = String(repeating: "<p>texte </p>", count: 10_000)  // 130 KB after the stray quote
        let xml = "<rss version=\"2.0\"><channel><item><description><![CDATA[<a href='x>lien</a>]]></description></item>"
            + "<item><description><![CDATA[\(long)]]></description></item></channel></rss>"
        #expect(try FeedParser().parse(Data(xml.utf8)).items.count == 2)
    }
}

/// What readers receive: no invisible text that reorders or hides words, no link but the web.
@Suite struct ReaderFacingOutputTests {
    @Test func bidirectionalOverridesAndInvisibleCharactersLeaveTitles() throws {
        let rss = """
            <rss version="2.0"><channel><title>Veille&#x202E;fdp.exe</title>
            <item><title>Facture&#x202E;gpj.exe&#x202C; urgente&#x200B;&#x2066;x&#x2069;&#xFEFF;</title><link>https://example.org/1</link>
            <description>Texte&#x202D; normal</description></item>
            <item><title>👩‍⚕️ soignante</title><link>https://example.org/2</link></item>
            </channel></rss>
            """
        let feed = try FeedParser().parse(Data(rss.utf8), url: "https://example.org/feed")
        #expect(feed.title == "Veillefdp.exe")
        #expect(feed.items[0].title == "Facturegpj.exe urgentex")
        #expect(feed.items[1].title == "👩‍⚕️ soignante", "the zero-width joiner of an emoji stays")
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1", "title": "A\u202eB\u0007C\u009b"}]}"#
        #expect(try FeedParser().parse(Data(json.utf8)).items[0].title == "ABC")
    }

    @Test(arguments: ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "&#x20;javascript:alert(1)", "java&#x09;script:alert(1)",
                      "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd", "JAVASCRIPT&#58;alert(1)"])
    func everyLinkTheParserGivesIsWeb(link: String) throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><link href="\(link)"/>
            <entry><id>1</id><title>e</title><link href="\(link)"/><link rel="enclosure" href="\(link)" type="audio/mpeg"/></entry></feed>
            """
        let rss = """
            <rss version="2.0"><channel><title>t</title><link>\(link)</link>
            <item><title>e</title><link>\(link)</link><enclosure url="\(link)" type="audio/mpeg" length="1"/></item></channel></rss>
            """
        for document in [atom, rss] {
            let feed = try FeedParser().parse(Data(document.utf8), url: "https://example.org/feed")
            let links = [feed.link, feed.items.first?.link].compactMap { $0 } + (feed.items.first?.enclosures.map(\.url) ?? [])
            #expect(links.allSatisfy(WebLink.isWeb), "\(links)")
        }
        let escaped = link.replacingOccurrences(of: "&#x20;", with: " ").replacingOccurrences(of: "&#x09;", with: "\\t")
            .replacingOccurrences(of: "&#58;", with: ":")
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "t", "home_page_url": "\(escaped)", "items": [{"id": "1",
             "url": "\(escaped)", "authors": [{"url": "\(escaped)"}], "attachments": [{"url": "\(escaped)", "mime_type": "audio/mpeg"}]}]}
            """
        let feed = try FeedParser().parse(Data(json.utf8), url: "https://example.org/feed")
        let links = [feed.link, feed.items.first?.link].compactMap { $0 } + (feed.items.first?.enclosures.map(\.url) ?? [])
        #expect(links.allSatisfy(WebLink.isWeb), "\(links)")
        #expect(feed.items.first?.authors.isEmpty == true, "an author known only by a script URL has no name to show")
    }

    @Test func webAndMailLinksStay() throws {
        let rss = """
            <rss version="2.0"><channel><title>t</title><link> HTTPS://example.org/ </link>
            <item><title>e</title><link>/relative/1</link></item></channel></rss>
            """
        let feed = try FeedParser().parse(Data(rss.utf8), url: "https://example.org/feed")
        #expect(feed.link == "HTTPS://example.org/")
        #expect(feed.items[0].link == "https://example.org/relative/1")
        let json = #"{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", "authors": [{"url": "mailto:a@example.org"}]}]}"#
        #expect(try FeedParser().parse(Data(json.utf8)).items[0].authors == ["mailto:a@example.org"])
    }
}
