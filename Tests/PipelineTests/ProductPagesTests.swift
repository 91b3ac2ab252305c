import Config
import Foundation
import Logging
import Testing
import TestSupport

@testable import Pipeline
@testable import Publishing

/// A page and a feed per vendor and per product that published items name; none for others.
@Suite struct ProductPagesTests {
    @Test func eachVendorAndProductOfPublishedAdvisoriesHasItsPageAndFeed() throws {
        let (environment, directory) = try demoEnvironment("product-pages")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let output = directory.appendingPathComponent("Output")
        func page(_ path: String) throws -> String { try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8) }

        let index = try page("produits/index.html")
        #expect(index.contains("<h2>Medirad</h2>") && index.contains("href=\"../produits/medirad/pacs-server/index.html\">Medirad PACS Server</a>"))
        let product = try page("produits/medirad/pacs-server/index.html")
        #expect(product.contains("<h1>Medirad PACS Server</h1>") && product.contains("class=\"item "))
        #expect(product.contains("https://veille.example.org/produits/medirad/pacs-server/atom.xml"))
        let feed = try page("produits/medirad/pacs-server/atom.xml")
        #expect(feed.contains("<id>https://veille.example.org/produits/medirad/pacs-server/</id>") && feed.contains("<entry"))
        #expect(try page("produits/medirad/index.html").contains("<h1>Medirad</h1>"))
        // The advisory's page links its products; no page for what no published item names.
        let items = try SiteFiles.html(in: output).filter { $0.key.contains("/items/") }
        #expect(items.values.contains { $0.contains("<a href=\"../../produits/medirad/pacs-server/index.html\">Medirad — PACS Server</a>") })
        let vendors = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("produits").path).filter { !$0.hasSuffix(".html") }
        #expect(Set(vendors) == ["medirad", "oxyvent"])
        // Searchable in the site's search, before the news.
        let list = try page("search.json")
        #expect(list.hasPrefix("[\"search/produits.json\","))
        let entries = try page("search/produits.json")
        #expect(entries.contains("\"p\":\"produits/medirad/pacs-server/\"") && entries.contains("\"t\":\"Medirad PACS Server\""))
        #expect(try SiteFiles.brokenInternalLinks(in: output).isEmpty)
    }

    /// « Mon parc »: a choice per vendor and product with its feed's address; the page says the
    /// choice stays in the browser. `feeds watchlist` makes the same file from a list.
    @Test func myEquipmentOffersEveryFeedAndTheCommandLineMakesTheSameFile() throws {
        let (environment, directory) = try demoEnvironment("parc")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let output = directory.appendingPathComponent("Output")
        let page = try String(contentsOf: output.appendingPathComponent("mon-parc/index.html"), encoding: .utf8)
        #expect(page.contains("data-feed=\"https://veille.example.org/produits/medirad/pacs-server/atom.xml\"")
                && page.contains("\">Medirad PACS Server</label>"))
        #expect(page.contains("data-feed=\"https://veille.example.org/produits/oxyvent/atom.xml\""), "a vendor's whole feed too")
        #expect(page.contains("Votre choix reste dans votre navigateur.") && page.contains("Aucune requête ne l&#39;emporte"))

        let list = directory.appendingPathComponent("parc.txt")
        try "# nos équipements\nmedirad pacs-server\nOxyvent\nUn produit inconnu\n".write(to: list, atomically: true, encoding: .utf8)
        let settings = environment.settings
        let run = try CommandLineRun.run(["feeds", "watchlist", list.path, "--demo", "--db", settings.databasePath,
                                          "--base-url", "https://veille.example.org/"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("xmlUrl=\"https://veille.example.org/produits/medirad/pacs-server/atom.xml\"")
                && run.stdout.contains("xmlUrl=\"https://veille.example.org/produits/oxyvent/atom.xml\""))
        #expect(run.stderr.contains("parc.txt:4: « Un produit inconnu »: no product or vendor of that name on the site"))
        // A list written on Windows (CRLF) reads the same.
        try "medirad pacs-server\r\noxyvent\r\n".write(to: list, atomically: true, encoding: .utf8)
        let crlf = try CommandLineRun.run(["feeds", "watchlist", list.path, "--demo", "--db", settings.databasePath], in: directory)
        #expect(crlf.status == 0 && crlf.stdout.components(separatedBy: "<outline ").count == 3, "\(crlf.stderr)")
        try "rien\n".write(to: list, atomically: true, encoding: .utf8)
        #expect(try CommandLineRun.run(["feeds", "watchlist", list.path, "--demo", "--db", settings.databasePath], in: directory).status == 1)
    }

    /// A news item naming a product (Feeds/products.toml) gets it: stored with the words that
    /// named it, listed on its page, and a page and a feed for the product.
    @Test func aNewsItemNamingAProductIsListedOnTheProductsPage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-news-products-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Veille</title><link>https://news.example/</link>
            <item><title>Un CHU attaqué par un rançongiciel via son pare-feu FortiGate</title><link>https://news.example/1</link>
            <guid>https://news.example/1</guid><pubDate>Mon, 07 Dec 2026 08:00:00 +0100</pubDate>
            <description>Les attaquants ont exploité une faille de FortiOS avant de chiffrer les serveurs de l'hôpital.</description></item>
            <item><title>Fortinet annonce de bons résultats</title><link>https://news.example/2</link><guid>https://news.example/2</guid>
            <pubDate>Mon, 07 Dec 2026 09:00:00 +0100</pubDate><description>L'entreprise recrute à l'hôpital de jour.</description></item>
            </channel></rss>
            """.write(to: directory.appendingPathComponent("news.xml"), atomically: true, encoding: .utf8)
        var settings = try demoSettings(in: directory)
        try """
            [[source]]
            id = "news"
            title = "Actualités"
            url = "\(directory.appendingPathComponent("news.xml").path)"
            local = true
            """.write(to: directory.appendingPathComponent("sources.toml"), atomically: true, encoding: .utf8)
        settings.sourcesPath = directory.appendingPathComponent("sources.toml").path
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try PublicationRun(environment: environment).execute(.all)
        let item = try #require(try environment.store.item(id: 1))
        #expect(item.title.contains("FortiGate"))
        let items = try environment.store.publicationItems(limit: 100).published
        let named = try #require(items.first { $0.title.contains("FortiGate") })
        #expect(Set(named.productMentions.map(\.product)) == ["FortiGate", "FortiOS"])
        #expect(named.productMentions.first { $0.product == "FortiGate" }?.field == "title")
        let output = directory.appendingPathComponent("Output")
        let product = try String(contentsOf: output.appendingPathComponent("produits/fortinet/fortigate/index.html"), encoding: .utf8)
        #expect(product.contains("<h1>Fortinet FortiGate</h1>") && product.contains("Un CHU attaqué par un rançongiciel"))
        let page = try SiteFiles.html(in: output).first { $0.key.contains("/items/") && $0.value.contains("via son pare-feu FortiGate") }?.value
        #expect(page?.contains("<a href=\"../../produits/fortinet/fortigate/index.html\">Fortinet FortiGate</a> <span class=\"muted\">« pare-feu FortiGate » (titre)</span>") == true)
        #expect(!(items.first { $0.title.contains("résultats") }?.productMentions.isEmpty == false), "the company alone names no product")
        // Urgent (a ransomware campaign through a commonly run product): its products head its line on the home page.
        #expect(named.urgency == .urgent)
        let home = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(home.contains("<span class=\"priority-products\"><a href=\"produits/fortinet/fortigate/index.html\">Fortinet FortiGate</a> · "
                              + "<a href=\"produits/fortinet/fortios/index.html\">Fortinet FortiOS</a> · </span>"))
    }

    @Test func productKeysFoldCaseAccentsAndPunctuation() {
        #expect(SitePublisher.productSlug("NetScaler ADC") == "netscaler-adc")
        #expect(SitePublisher.productSlug("Hôpital  Numérique / DPI") == "hopital-numerique-dpi")
        #expect(SitePublisher.productSlug("Page") == "page-produit", "page/ is taken by listings' pages")
        #expect(SitePublisher.productSlug("***") == nil && SitePublisher.productSlug("../etc") == "etc")
    }
}
