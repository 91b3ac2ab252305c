import Foundation
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
        #expect(try SiteFiles.brokenInternalLinks(in: output).isEmpty)
    }

    @Test func productKeysFoldCaseAccentsAndPunctuation() {
        #expect(SitePublisher.productSlug("NetScaler ADC") == "netscaler-adc")
        #expect(SitePublisher.productSlug("Hôpital  Numérique / DPI") == "hopital-numerique-dpi")
        #expect(SitePublisher.productSlug("Page") == "page-produit", "page/ is taken by listings' pages")
        #expect(SitePublisher.productSlug("***") == nil && SitePublisher.productSlug("../etc") == "etc")
    }
}
