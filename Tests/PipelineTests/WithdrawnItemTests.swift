import Curation
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline

/// A link a reader already has never turns into a 404: a withdrawn item's page stays at its
/// address and says it was withdrawn, and when; it leaves editions, listings and feeds.
@Suite struct WithdrawnItemTests {
    @Test func aWithdrawnItemKeepsItsPageWhichSaysSo() throws {
        let (environment, directory) = try demoEnvironment("withdrawn")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let store = environment.store
        let item = try #require(try store.publishableItems(limit: 500).first { $0.title.contains("Visionis PACS") })
        let output = directory.appendingPathComponent("Output")
        let page = output.appendingPathComponent("items/\(item.stableKey)/index.html")
        #expect(try String(contentsOf: page, encoding: .utf8).contains("Visionis PACS"))

        let withdrawnAt = Date(timeIntervalSince1970: 1_796_601_600)  // 2026-12-07
        try store.changeCuration(itemID: item.id, expectedVersion: nil, actor: "alice", action: "rejected", at: withdrawnAt) { $0.status = .rejected }
        _ = try PublicationRun(environment: environment).execute(.publishOnly)

        let after = try String(contentsOf: page, encoding: .utf8)
        #expect(after.contains("La rédaction a retiré cet élément de la veille le"))
        #expect(after.contains("<time datetime=\"2026-12-07T00:00:00Z\">7 décembre 2026</time>"))
        #expect(after.contains("noindex"))
        #expect(!after.contains(item.summary.map { String($0.prefix(40)) } ?? "\u{0}"), "its text is no longer shown")
        let atom = try String(contentsOf: output.appendingPathComponent("atom.xml"), encoding: .utf8)
        #expect(!atom.contains("items/\(item.stableKey)/"))
        let home = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!home.contains("items/\(item.stableKey)/"))
        #expect(try SiteFiles.brokenInternalLinks(in: output).isEmpty)
    }

    @Test func anItemRejectedByPolicyHasNoPage() throws {
        let (environment, directory) = try demoEnvironment("withdrawn")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        #expect(try environment.store.withdrawnItems(limit: 500).isEmpty, "never on the site, nothing to withdraw")
    }
}
