import Curation
import FeedParsing
import Foundation
import Logging
import Model
import Storage
import Testing

@testable import Pipeline

/// Urgent items are never lost (docs/urgency.md): never rejected by policy, first in the
/// editors' queue, published by the default policy even without a health word.
@Suite struct UrgentItemsTests {
    @Test func theDemoExploitedVPNItemsArePublishedAndFirstInTheQueue() throws {
        let (environment, directory) = try demoEnvironment("urgent")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let store = environment.store

        let published = try store.publishableItems(limit: 500)
        let vpn = published.filter { $0.title.contains("NetGarde SSL VPN") }
        #expect(vpn.count == 2, "the CERT-FR advisory and the news item")
        #expect(vpn.allSatisfy { $0.urgency == .urgent && !$0.health })
        #expect(vpn.allSatisfy { $0.urgencyReasons.contains { $0.kind == .product } })

        let everything = try store.curatedItems(limit: 500)
        #expect(!everything.contains { $0.urgency == .urgent && $0.status == .rejected }, "an urgent item is never rejected by policy")
        let queue = try store.curatedItems(status: .queued, limit: 500)
        let firstOrdinary = queue.firstIndex { $0.urgency != .urgent && !$0.pinned } ?? queue.count
        #expect(queue[..<firstOrdinary].allSatisfy { $0.urgency == .urgent || $0.pinned })
        #expect(queue[firstOrdinary...].allSatisfy { $0.urgency != .urgent })

        // The home page puts them first, with what is exploited, since when and the fix.
        let output = directory.appendingPathComponent("Output")
        let home = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        let block = try #require(home.range(of: "À traiter en priorité")).upperBound
        let priority = String(home[block...].prefix { _ in true }.split(separator: "</section>")[0])
        #expect(priority.contains("NetGarde SSL VPN zero-day CVE-2026-43310 exploited in the wild"))
        #expect(priority.contains("CVE-2026-43310"))
        #expect(priority.contains("Patches are available in version 11.2.7."))
        #expect(priority.contains("Urgent : exploitation en cours"), "the marker is written out, not only a colour")

        // The urgent-only feed, each entry saying its urgency, its source and linking the original.
        let urgentFeed = try FeedParser().parse(try Data(contentsOf: output.appendingPathComponent("urgent/atom.xml")),
                                                url: "https://veille.example.org/urgent/atom.xml")
        #expect(urgentFeed.items.count == published.filter { $0.urgency == .urgent }.count)
        #expect(urgentFeed.items.contains { $0.title == "NetGarde SSL VPN zero-day CVE-2026-43310 exploited in the wild" })
        for entry in urgentFeed.items {
            let content = entry.content ?? ""
            #expect(content.contains("Urgent : exploitation en cours"), "\(entry.title ?? "")")
            #expect(content.contains("Source :"))
        }

        // Marked handled by an editor, it leaves the priority block and stays published.
        let newsItem = try #require(vpn.first { $0.title.hasPrefix("NetGarde SSL VPN zero-day") })
        try Curator(store: store, knownTags: []).markHandled(newsItem.id, actor: "alice")
        _ = try PublicationRun(environment: environment).execute(.publishOnly)
        let homeAfter = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
        let blockAfter = String(homeAfter[try #require(homeAfter.range(of: "À traiter en priorité")).upperBound...]).components(separatedBy: "</section>")[0]
        #expect(!blockAfter.contains("NetGarde SSL VPN zero-day CVE-2026-43310 exploited in the wild"))
        #expect(blockAfter.contains("Vulnérabilité dans les passerelles NetGarde SSL VPN"))
        #expect(try store.publishableItems(limit: 500).contains { $0.id == newsItem.id })
        #expect(try store.auditLog(itemID: newsItem.id).first?.action == "handled")
    }

    @Test func anItemRejectedByPolicyIsQueuedAgainWhenItBecomesUrgent() throws {
        let (environment, directory) = try demoEnvironment("urgent") { $0.kevCatalog = nil }  // the catalog arrives later
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let store = environment.store
        // A Windows item whose text says nothing of exploitation: routine, and rejected by policy.
        let windows = try store.curatedItems(limit: 500).filter { $0.status == .rejected && $0.urgency == .normal }
        guard let candidate = try windows.compactMap({ try store.item(id: $0.id) }).first(where: { !$0.cves.isEmpty && $0.urgencyReasons.contains { $0.kind == .product } }) else {
            Issue.record("the demo has no rejected item with a CVE in a common product")
            return
        }
        try store.replaceKnownExploited(
            [KnownExploitedVulnerability(cve: candidate.cves[0], dateAdded: "2026-12-01", dueDate: nil, knownRansomwareUse: false,
                                         vendor: "Microsoft", product: "Windows", name: "test")],
            state: EnrichmentState(origin: "test", etag: nil, lastModified: nil, digest: "later", entries: 1, updatedAt: Date()))
        _ = try PublicationRun(environment: environment).execute(.all)
        let after = try #require(try store.item(id: candidate.id))
        #expect(after.urgency == .urgent)
        #expect(try store.curation(itemID: candidate.id).status != .rejected)
        let policyActions = try store.auditLog(itemID: candidate.id).filter { $0.actor == "policy" }.map(\.action)
        #expect(policyActions.count == 2)
        #expect(policyActions.last == "rejected", "the first decision, kept in the log")
        #expect(policyActions.first == "selected" || policyActions.first == "queued")
    }
}
