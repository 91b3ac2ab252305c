import Foundation
import Model
import Testing

@testable import Publishing

/// The hand-written lookups (PageModels+Mustache.swift) must reach every property that
/// reflection would: a property added to a view and forgotten there would silently render empty.
@Suite struct PageModelLookupTests {
    private func check<View: TemplateObject>(_ view: View) {
        for child in Mirror(reflecting: view).children {
            guard let label = child.label else { continue }
            #expect(view.value(named: label) != nil || "\(child.value)" == "nil", "\(View.self).\(label) is not looked up")
        }
    }

    @Test func everyPropertyOfEveryViewIsReachable() {
        let site = SiteView(title: "t", description: "d", baseURL: "b", language: "fr", atomURL: "a", jsonFeedURL: "j",
                            generatedAt: "g", generatedAtHuman: "h")
        let frame = PageFrame(site: site, t: ["k": "v"], rootPath: "", pageURL: "p")
        let tag = TagView(id: "i", label: "l", group: "g", groupLabel: "gl", evidence: "e", path: "p")
        let cve = CVEView(id: "c", knownExploited: true, since: "s", due: "d", epss: "e", certFR: ("CERTFR-2026-AVI-0001", "u"))
        let mention = MentionView(sourceTitle: "s", title: "t", link: "l", hasLink: true)
        let item = ItemView(fingerprint: "f", entryID: "e", path: "p", url: "u", title: "t", link: "l", sourceID: "s", sourcePath: "sp",
                            sourceTitle: "st", dateISO: "d", dateHuman: "dh", dayKey: "k", dayHuman: "kh", updatedISO: "u", authors: "a",
                            summaryHTML: "s", health: true, score: "1", healthReason: "r", tags: [tag], hasTags: true, cves: [cve],
                            hasCVEs: true, knownExploited: true, cvss: "9.8", language: "fr", alsoReportedBy: [mention], hasMentions: true,
                            urgency: "urgent", urgencyLabel: "u",
                            urgencyReasons: [UrgencyReason(kind: .exploited, ruleID: "r", matchedText: "m", field: "title")],
                            exploitedWhat: "w", fixText: "f")
        let link = EditionLink(dateISO: "d", dateHuman: "h", path: "p", count: 1)
        let entry = IndexEntry(title: "t", path: "p", count: 1, detail: "d", countText: "1 élément")
        check(site); check(frame); check(tag); check(cve); check(mention); check(item); check(link); check(entry)
        check(DayView(dateISO: "d", dateHuman: "h", items: [item]))
        check(ThemeView(id: "i", title: "t", items: [item]))
        check(EditionPage(frame: frame, dateISO: "d", dateHuman: "h", isHome: true, itemCount: 1, itemCountText: "1 élément", themes: [], isEmpty: false,
                          previousEditions: [link], hasPreviousEditions: true))
        check(ItemPage(frame: frame, item: item))
        check(CVEPage(frame: frame, id: "CVE-2026-0001", cvss: "9,8", knownExploited: true, since: "s", due: "d", ransomware: true, epss: "e",
                      recordURL: "r", certFR: "c", certFRURL: "u", advisories: [mention], hasAdvisories: true, items: [item], itemCountText: "1 élément"))
        check(PageLink(number: 1, path: "p", isCurrent: true))
        check(ListingPage(frame: frame, title: "t", lead: "l", feedURL: "f", items: [item], pages: [], hasPages: false,
                          previousPath: "p", nextPath: "n", pageNumber: 1, isArchivedPage: true))
        check(IndexGroup(title: "t", entries: [entry]))
        check(IndexPage(frame: frame, title: "t", lead: "l", groups: []))
        check(StaticPage(frame: frame))
        check(AtomFeedPage(site: site, feedID: "f", title: "t", selfURL: "s", alternateURL: "a", updated: "u", items: [item]))
        let edition = EditionEntry(entryID: "e", url: "u", title: "t", dateISO: "d", summary: "s", contentHTML: "c")
        check(edition)
        check(EditionsFeedPage(site: site, feedID: "f", title: "t", selfURL: "s", updated: "u", editions: [edition]))
    }
}
