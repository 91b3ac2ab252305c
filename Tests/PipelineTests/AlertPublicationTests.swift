import Config
import Curation
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline


@Suite struct AlertPublicationTests {
    /// An alert written by one editor, approved by another, is on the site and in the alerts
    /// feed; its update keeps the page and the Atom entry id. A draft never reaches the site.
    @Test func approvedAlertsArePublishedAndUpdatedUnderTheSameEntry() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-alerts-site-\(UUID().uuidString)")
        let settings = try demoSettings(in: directory)
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let store = environment.store
        let summary = "Plusieurs CHU signalent des intrusions par la passerelle **InfuLink**. <script>alert(1)</script>"
        let alert = try store.createAlert(
            severity: .critical, title: "Intrusions via la passerelle InfuLink", summary: summary, summaryHTML: try Curator.renderNote(summary),
            measures: nil, measuresHTML: nil, products: ["Example Medical InfuLink gateway 4.2"], cves: ["CVE-2026-99001"],
            requiredAction: "Mettre à jour en 4.3", dueDate: "2026-12-05", references: [], actor: "alice")
        let draft = try store.createAlert(severity: .info, title: "Brouillon interne", summary: "pas encore", summaryHTML: nil, measures: nil,
                                          measuresHTML: nil, products: [], cves: [], requiredAction: nil, dueDate: nil, references: [], actor: "alice")
        _ = try store.approveAlert(alert.id, actor: "bob")
        _ = try store.publishAlert(alert.id, actor: "alice", requireApproval: true)
        _ = try PublicationRun(environment: environment).execute(.all)

        let output = directory.appendingPathComponent("Output")
        let atom = try String(contentsOf: output.appendingPathComponent("alertes/atom.xml"), encoding: .utf8)
        #expect(atom.contains("<id>tag:veille.example.org,2026:alert/\(alert.id)</id>"))
        #expect(!atom.contains(draft.id) && !atom.contains("Brouillon interne"))
        let page = try String(contentsOf: output.appendingPathComponent("alertes/\(alert.id.lowercased())/index.html"), encoding: .utf8)
        #expect(page.contains("Intrusions via la passerelle InfuLink") && page.contains("<strong>InfuLink</strong>"))
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("CVE-2026-99001") && page.contains("5 décembre 2026"))
        // Written like a CERT's: five sections, the TLP marking, its versions.
        for section in ["Résumé", "Risques", "Systèmes affectés", "Solution ou contournement", "Documentation"] {
            #expect(page.contains("\">\(section)</h2>"), "the alert page lacks « \(section) »")
        }
        #expect(page.contains("TLP:CLEAR") && page.contains("Example Medical InfuLink gateway 4.2"))
        #expect(page.contains("<a href=\"https://www.cve.org/CVERecord?id=CVE-2026-99001\">CVE-2026-99001</a>"))
        #expect(page.contains("Version 1 du ") && page.contains(" : publication initiale"))
        #expect(atom.contains("&lt;h2&gt;Systèmes affectés&lt;/h2&gt;"), "the Atom entry carries the sections")
        // An open alert is a banner on every page, the home page and item pages included.
        let home = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        let banner = "<a href=\"alertes/\(alert.id.lowercased())/index.html\">Intrusions via la passerelle InfuLink</a>"
        #expect(home.contains("class=\"alert-banner\"") && home.contains(banner))
        #expect(home.contains("Alerte critique"))
        let priorityBlock = try #require(home.components(separatedBy: "À traiter en priorité").dropFirst().first)
        #expect(priorityBlock.contains("Intrusions via la passerelle InfuLink") && priorityBlock.contains("Mettre à jour en 4.3"),
                "the alert, with the action required, heads the home page's priority block")
        let itemPages = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("items").path)
        let itemPage = try String(contentsOf: output.appendingPathComponent("items/\(itemPages[0])/index.html"), encoding: .utf8)
        #expect(itemPage.contains("<a href=\"../../alertes/\(alert.id.lowercased())/index.html\">"))

        // Closing it changes the same page and the same entry.
        _ = try store.closeAlert(alert.id, actor: "bob")
        _ = try PublicationRun(environment: environment).execute(.publishOnly)
        let closed = try String(contentsOf: output.appendingPathComponent("alertes/atom.xml"), encoding: .utf8)
        #expect(closed.components(separatedBy: "<id>tag:veille.example.org,2026:alert/\(alert.id)</id>").count == 2, "one entry, not two")
        let closedPage = try String(contentsOf: output.appendingPathComponent("alertes/\(alert.id.lowercased())/index.html"), encoding: .utf8)
        #expect(closedPage.contains("close") && closedPage.contains("Version 2 du ") && closedPage.contains("clôture de l&#39;alerte"))
        let homeAfter = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!homeAfter.contains("alert-banner"), "a closed alert leaves every page's banner")
        let itemAfter = try String(contentsOf: output.appendingPathComponent("items/\(itemPages[0])/index.html"), encoding: .utf8)
        #expect(!itemAfter.contains("alert-banner"))
    }

    /// A derived alert's sections come from what it cites: « systèmes affectés » lists the
    /// products of the advisories it refers to.
    @Test func aDerivedAlertListsTheProductsOfTheAdvisoriesItCites() throws {
        let (environment, directory) = try demoEnvironment("derived-alert")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = environment.store
        _ = try PublicationRun(environment: environment).execute(.all)
        // A declaration names the product of one of the demo's advisories: the rules derive an alert citing it.
        let advisory = try #require(try (1...200).lazy.compactMap { try store.item(id: Int64($0)) }.first { !($0.advisory?.products.isEmpty ?? true) })
        let product = try #require(advisory.advisory?.products.first)
        _ = try store.importIncidents([
            IncidentDeclaration(id: "D-PRODUCT", declaredAt: Date().addingTimeInterval(-86_400), occurredAt: nil, structureType: .chu,
                                region: "11", nature: .malveillant, category: .vulnerabiliteExploitee, careDisrupted: false,
                                healthDataAffected: false, supportRequested: false, unavailabilityHours: nil, cves: [], products: [product],
                                structureName: nil, description: nil),
        ], actor: "test")
        _ = try PublicationRun(environment: environment).execute(.fetchOnly)
        let alert = try #require(try store.alerts().first { $0.rule == "declared-product" })
        #expect(alert.references.contains(advisory.id))
        _ = try store.approveAlert(alert.id, actor: "bob")
        _ = try store.publishAlert(alert.id, actor: "alice", requireApproval: true)
        _ = try PublicationRun(environment: environment).execute(.publishOnly)
        let page = try String(contentsOf: directory.appendingPathComponent("Output/alertes/\(alert.id.lowercased())/index.html"), encoding: .utf8)
        let affected = try #require(page.components(separatedBy: "Systèmes affectés</h2>").dropFirst().first?.components(separatedBy: "</section>").first)
        let advisoryProducts = try alert.references.compactMap { try store.item(id: $0)?.advisory }.flatMap(\.products)
        #expect(!advisoryProducts.isEmpty, "the demo's derived alert cites an advisory with products")
        for product in advisoryProducts.prefix(60) {
            let escaped = product.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "'", with: "&#39;")
            #expect(affected.contains(escaped), "« \(product) » is not among the affected systems")
        }
        for section in ["Résumé", "Risques", "Solution ou contournement", "Documentation"] { #expect(page.contains(">\(section)</h2>")) }
        // The products the site has a page for are linked there, for a structure that runs them.
        #expect(affected.contains("<a href=\"../../produits/medirad/pacs-server/index.html\">Medirad PACS Server</a>"))
        #expect(page.contains("TLP:CLEAR"))
    }
}
