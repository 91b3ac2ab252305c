import Foundation
import Testing
import TestSupport

@testable import Pipeline

/// A page per CVE cited by published items: what is known of it, where to read more, the items
/// that cite it; every CVE of an item page links to it.
@Suite struct CVEPagesTests {
    @Test func eachCitedCVEHasItsPageAndItemPagesLinkToIt() throws {
        let (environment, directory) = try demoEnvironment("cve-pages")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let output = directory.appendingPathComponent("Output")
        func page(_ path: String) throws -> String { try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8) }

        // Known exploited (the demo's KEV catalog): the badge, the day in words, CISA's deadline said as such.
        let exploited = try page("cve/CVE-2026-40733/index.html")
        #expect(exploited.contains("<h1>CVE-2026-40733</h1>") && exploited.contains("badge--kev"))
        #expect(exploited.contains("Au catalogue KEV de la CISA depuis le 20 novembre 2026"))
        #expect(exploited.contains("échéance fixée par la CISA aux agences fédérales américaines : 11 décembre 2026"))
        #expect(exploited.contains("href=\"https://www.cve.org/CVERecord?id=CVE-2026-40733\""))
        #expect(exploited.contains("class=\"item "), "the items citing it are listed")

        // Cited by a CERT-FR document: linked; by a CSAF advisory: its CVSS, and the advisory with its publisher.
        let certFR = try page("cve/CVE-2026-41590/index.html")
        #expect(certFR.contains("CERTFR-2026-AVI-") && certFR.contains("— CERT-FR</li>"))
        let csafCVE = try (FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("cve").path))
            .filter { $0.hasPrefix("CVE-") }.map { try page("cve/\($0)/index.html") }.first { $0.contains("(CVSS version ") }
        let withScore = try #require(csafCVE, "a CVE page gives the CVSS of an advisory's score")
        #expect(withScore.contains("Avis de sécurité qui la citent"))
        #expect(!exploited.contains("Aucune exploitation connue"))
        #expect(certFR.contains("Aucune exploitation connue du catalogue KEV"))

        // Item pages link their CVEs here; the index lists them by year, exploited ones marked.
        let items = try SiteFiles.html(in: output).filter { $0.key.contains("/items/") }
        #expect(items.values.contains { $0.contains("<a href=\"../../cve/CVE-2026-40733/index.html\"><code>CVE-2026-40733</code></a>") })
        let index = try page("cve/index.html")
        #expect(index.contains("<h2>2026</h2>") && index.contains("href=\"../cve/CVE-2026-40733/index.html\">CVE-2026-40733</a>"))
        #expect(index.contains("CVE-2026-40733</a> <span class=\"muted\">(") && index.contains("badge--kev\">exploitée</strong>"))
        #expect(try SiteFiles.brokenInternalLinks(in: output).isEmpty)
    }
}
