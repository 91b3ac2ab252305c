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
        #expect(page.contains("CVE-2026-99001") && page.contains("2026-12-05"))
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
        #expect(closedPage.contains("close"))
        let homeAfter = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!homeAfter.contains("alert-banner"), "a closed alert leaves every page's banner")
        let itemAfter = try String(contentsOf: output.appendingPathComponent("items/\(itemPages[0])/index.html"), encoding: .utf8)
        #expect(!itemAfter.contains("alert-banner"))
    }
}
