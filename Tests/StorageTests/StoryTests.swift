import Foundation
import Model
import Testing

@testable import Storage

private let day: TimeInterval = 86_400
private let start = Date(timeIntervalSince1970: 1_790_000_000)
private let sources = [
    Source(id: "certfr", title: "CERT-FR", url: "https://example.org/certfr", language: "fr"),
    Source(id: "news-en", title: "News", url: "https://example.org/news", language: "en"),
    Source(id: "news-fr", title: "Actualités", url: "https://example.org/actu", language: "fr"),
]

/// Stores items (source, item, CVEs) as a run would: upsert, tag (here: just the CVEs), group.
private func ingest(_ store: Store, _ entries: [(String, ParsedItem, [String])], health: Bool = false) throws {
    for (sourceID, item, _) in entries { _ = try store.upsertItems(sourceID: sourceID, [item], at: start) }
    let cvesByTitle = Dictionary(entries.map { ($0.1.title ?? "", $0.2) }, uniquingKeysWith: { first, _ in first })
    try store.saveClassifications(try store.itemsToTag(rulesFingerprint: "r").map {
        ($0, Classification(score: health ? 1 : 0, health: health, evidence: [], cves: cvesByTitle[$0.title] ?? []))
    })
    try store.groupStories(now: start)
}

/// An item dated `daysBefore` the ingestion (items are never listed later than first seen).
private func item(_ id: String, _ title: String, link: String? = nil, daysBefore: Double = 0) -> ParsedItem {
    ParsedItem(id: id, title: title, link: link, published: start.addingTimeInterval(-daysBefore * day))
}

private func storyCount(_ store: Store) throws -> Int { try store.counts().stories }

@Suite struct StoryKeyTests {
    @Test func canonicalURLsDropTrackingSchemeWwwAndFragments() {
        let canonical = StoryKeys.canonicalURL
        #expect(canonical("https://www.Example.org/news/article/?utm_source=rss&utm_medium=feed&id=3#comments")
                == "example.org/news/article?id=3")
        #expect(canonical("http://example.org/news/article?id=3&xtor=RSS-1") == "example.org/news/article?id=3")
        #expect(canonical("https://example.org:443/a?b=2&a=1&fbclid=x&pk_campaign=feed") == "example.org/a?a=1&b=2")
        #expect(canonical("https://example.org:8443/a") == "example.org:8443/a")
        #expect(canonical("https://example.org/") == "example.org")
        #expect(canonical("mailto:cert@example.org") == nil)
        #expect(canonical("not a url") == nil)
    }

    /// The threshold, on pairs of headlines as sources really word them.
    @Test func titleSimilarityThresholdSeparatesRewordingsFromTemplates() {
        func similarity(_ a: String, _ b: String) -> Double {
            StoryKeys.titleSimilarity(StoryKeys.titleWords(a), StoryKeys.titleWords(b))
        }
        let sameStory = [
            ("Ransomware attack hits French hospital in Cannes", "Ransomware attack hits French hospital in Cannes, data stolen"),
            ("Cyberattaque contre l'hôpital de Cannes", "Cyberattaque : l'hôpital de Cannes paralysé"),
            ("Kettering Health hit by ransomware attack", "Kettering Health hit by ransomware attack, systems down"),
            ("Fuite de données au CHU de Rennes : 300 000 patients concernés", "CHU de Rennes : fuite de données, 300 000 patients concernés"),
            ("Change Healthcare confirms ransomware attack", "Change Healthcare Confirms Ransomware Attack on Its Systems"),
        ]
        for (a, b) in sameStory {
            #expect(similarity(a, b) >= StoryKeys.titleSimilarityThreshold, "\(a) / \(b): \(similarity(a, b))")
        }
        let differentStories = [
            ("Multiples vulnérabilités dans Microsoft Edge", "Multiples vulnérabilités dans Google Chrome"),
            ("Vulnérabilité dans Microsoft Edge", "Multiples vulnérabilités dans Microsoft Edge"),
            ("Multiples vulnérabilités dans le noyau Linux de SUSE", "Multiples vulnérabilités dans le noyau Linux d'Ubuntu"),
            ("Ransomware attack hits hospital in Ohio", "Ransomware attack hits school district in Texas"),
            ("Siemens SIMATIC S7-1500 vulnerabilities", "Siemens SINEC NMS vulnerabilities"),
            ("Multiple vulnerabilities in Philips IntelliSpace", "Multiple vulnerabilities in Philips Vue PACS"),
        ]
        for (a, b) in differentStories {
            #expect(similarity(a, b) < StoryKeys.titleSimilarityThreshold, "\(a) / \(b): \(similarity(a, b))")
        }
    }

    @Test func shortTitlesAreNotMatchedOnAndBandsAreStable() {
        #expect(StoryKeys(link: nil, title: "Avis CERT", cves: []).titleBands.isEmpty)
        let bands = StoryKeys(link: nil, title: "Cyberattaque contre l'hôpital de Cannes", cves: []).titleBands
        #expect(bands.count == StoryKeys.bands)
        #expect(bands == StoryKeys(link: nil, title: "CYBERATTAQUE CONTRE L'HOPITAL DE CANNES", cves: []).titleBands)
    }
}

@Suite struct StoryGroupingTests {
    @Test func theSameCVEsFromSeveralSourcesAreOneStory() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [
            ("certfr", item("a", "Vulnérabilité dans NetGarde SSL VPN", daysBefore: 61), ["CVE-2026-1000"]),
            ("news-en", item("b", "NetGarde VPN zero-day exploited against hospitals", daysBefore: 60), ["CVE-2026-1000"]),
            ("news-fr", item("c", "Une faille NetGarde exploitée"), ["CVE-2026-1000"]),
            ("news-en", item("d", "Other bug in NetGarde", daysBefore: 60), ["CVE-2026-1000", "CVE-2026-1001"]),
        ])
        let members = try store.storyMembers(of: 1)
        #expect(members.map(\.sourceID) == ["certfr", "news-en"])
        #expect(try storyCount(store) == 3, "60 days later, or another CVE set, is another story")
    }

    @Test func theSameArticleBehindTrackingParametersIsOneStory() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [
            ("news-en", item("a", "Hospital breach", link: "https://www.example.com/2026/breach/?utm_source=rss", daysBefore: 200), []),
            ("news-fr", item("b", "Relayé : fuite", link: "http://example.com/2026/breach#top"), []),
        ])
        #expect(try storyCount(store) == 1)
    }

    @Test func nearIdenticalTitlesFromTwoSourcesAreOneStoryButNotFromOne() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [
            ("news-en", item("a", "Ransomware attack hits French hospital in Cannes", daysBefore: 31), []),
            ("news-fr", item("b", "Ransomware attack hits French hospital in Cannes, data stolen", daysBefore: 30), []),
            ("certfr", item("c", "Multiples vulnérabilités dans Microsoft Edge", daysBefore: 7), []),
            ("certfr", item("d", "Multiples vulnérabilités dans Microsoft Edge"), []),
            ("news-en", item("e", "Ransomware attack hits French hospital in Cannes again"), []),
        ])
        #expect(try store.storyMembers(of: 1).count == 2)
        #expect(try storyCount(store) == 4, "one source's bulletins stay apart; a month later is news again")
    }

    @Test func groupingIsIncrementalAndEveryItemIsInExactlyOneStory() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [("news-en", item("a", "Clinic hit by ransomware in Lyon suburbs", daysBefore: 1), [])])
        try ingest(store, [("news-fr", item("b", "Clinic hit by ransomware in Lyon suburbs"), [])])
        #expect(try store.groupStories().joined == 0, "nothing left to group")
        #expect(try store.storyMembers(of: 2).map(\.itemID) == [1, 2])
        #expect(try store.check().isEmpty)
    }

    @Test func editorsMergeAndSplitStories() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [
            ("news-en", item("a", "Hospital in Ghent diverts ambulances after attack"), []),
            ("news-fr", item("b", "Gand : l'hôpital dévie les ambulances après une cyberattaque"), []),
        ])
        #expect(try storyCount(store) == 2, "French and English headlines do not match by title")
        let story = try store.mergeStories(item: 1, other: 2)
        #expect(try store.storyMembers(of: 2).map(\.itemID) == [1, 2])
        #expect(try storyCount(store) == 1)
        let newStory = try store.splitStory(item: 2)
        #expect(newStory != story)
        #expect(try store.storyMembers(of: 1).map(\.itemID) == [1])
        #expect(try store.splitStory(item: 2) == newStory, "an item alone stays where it is")
        #expect(throws: StoreError.self) { try store.mergeStories(item: 1, other: 99) }
    }

    /// Keys carry their story: after an editor's merge, a new copy of the merged article joins
    /// the story it was merged into (the other one no longer exists).
    @Test func aMergedStorysKeysLeadToTheStoryItWasMergedInto() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        try ingest(store, [
            ("news-en", item("a", "Hospital in Ghent diverts ambulances after attack", link: "https://example.com/ghent"), []),
            ("news-fr", item("b", "Gand : l'hôpital dévie les ambulances", link: "https://example.fr/gand"), []),
        ])
        let story = try store.mergeStories(item: 1, other: 2)
        try ingest(store, [("certfr", item("c", "Relayé", link: "https://www.example.fr/gand/?utm_source=x"), [])])
        #expect(try store.storyMembers(of: 3).map(\.itemID) == [1, 2, 3])
        #expect(try storyCount(store) == 1)
        let alone = try store.splitStory(item: 3)
        #expect(alone != story)
        #expect(try store.check().isEmpty)
    }

    /// A story syndicated by many feeds files its title once, and is still found by title from
    /// another address, whichever copy is nearest.
    @Test func copiesOfAnArticleFileTheirTitleOnceAndTheStoryIsStillFoundByTitle() throws {
        let store = try temporaryStore()
        let feeds = (0..<20).map { Source(id: "relay\($0)", title: "Relay \($0)", url: "https://example.org/relay/\($0)") }
        try store.syncSources(sources + feeds)
        let title = "Ransomware attack hits French hospital in Cannes"
        try ingest(store, feeds.map { ($0.id, item("a", title, link: "https://news.example/cannes", daysBefore: 2), []) })
        #expect(try storyCount(store) == 1)
        let titleKeys = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM story_key WHERE kind = 'title'") }
        #expect(titleKeys == StoryKeys.bands, "one copy's bands, not twenty")
        try ingest(store, [("news-fr", item("b", title + ", data stolen", link: "https://autre.example/cannes"), [])])
        #expect(try storyCount(store) == 1)
        #expect(try store.storyMembers(of: 21).count == 21)
    }
}

@Suite struct RetentionAndHistoryTests {
    @Test func purgeLeavesTombstonesAndSparesHealthItems() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        let old = item("old", "Generic vendor patch notes", daysBefore: 400)
        try ingest(store, [("news-en", old, [])])
        try ingest(store, [("news-en", item("kept", "Hospital ransomware", daysBefore: 400), [])], health: true)
        _ = try store.upsertItems(sourceID: "news-en", [item("untagged", "Not tagged yet", daysBefore: 400)], at: start)
        let cutoff = start.addingTimeInterval(-365 * day)
        #expect(try store.purge(listedBefore: cutoff, dryRun: true) == PurgeResult(itemsPurged: 1, storiesRemoved: 1))
        #expect(try store.counts().items == 3, "a dry run changes nothing")
        #expect(try store.purge(listedBefore: cutoff) == PurgeResult(itemsPurged: 1, storiesRemoved: 1))
        let counts = try store.counts()
        #expect(counts.items == 2)
        #expect(counts.tombstones == 1)
        #expect(try store.search("patch").isEmpty)
        let again = try store.upsertItems(sourceID: "news-en", [old], at: start)
        #expect(again.newItemIDs.isEmpty)
        #expect(again.purged == 1, "the feed still carries it: not new again")
        #expect(try store.check().isEmpty)
    }

    @Test func revisionsSayWhatChanged() throws {
        let store = try temporaryStore()
        try store.syncSources(sources)
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "Avis v1", summary: "s")], at: start)
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "Avis v2", summary: "s")], at: start.addingTimeInterval(60))
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "Avis v2", summary: "s2", categories: ["x"])],
                                  at: start.addingTimeInterval(120))
        let revisions = try store.revisions(of: 1)
        #expect(revisions.map(\.title) == ["Avis v1", "Avis v2"])
        #expect(revisions.map(\.changedFields) == [["title"], ["summary", "categories"]])
        #expect(revisions.last?.replacedAt == start.addingTimeInterval(120))
    }
}
