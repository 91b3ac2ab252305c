import Foundation
import GRDB
import Model
import Testing

@testable import Storage

func temporaryStore() throws -> Store {
    try Store(path: FileManager.default.temporaryDirectory
        .appendingPathComponent("cv-store-\(UUID().uuidString)/db.sqlite").path)
}

private let source = Source(id: "certfr", title: "CERT-FR", url: "https://example.org/feed", language: "fr")

@Suite struct StoreTests {
    @Test func insertsThenSkipsUnchangedItems() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let items = [ParsedItem(id: "a", title: "A"), ParsedItem(id: "b", title: "B")]
        let first = try store.upsertItems(sourceID: "certfr", items)
        #expect(first.newItemIDs.count == 2)
        let second = try store.upsertItems(sourceID: "certfr", items)
        #expect(second.newItemIDs.isEmpty)
        #expect(second.updatedItemIDs.isEmpty)
        #expect(second.unchanged == 2)
        #expect(try store.counts().items == 2)
    }

    @Test func keepsThePreviousVersionOfAChangedItem() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "Avis v1")])
        let result = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "Avis v2")])
        #expect(result.updatedItemIDs.count == 1)
        let counts = try store.counts()
        #expect(counts.items == 1)
        #expect(counts.revisions == 1)
        #expect(try store.latestItems(limit: 10).first?.title == "Avis v2")
    }

    @Test func givesItemsWithoutIdAStableIdentity() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let noID = ParsedItem(title: "Sans guid ni lien", summary: "x")
        let linked = ParsedItem(title: "Lien", link: "https://example.org/1")
        #expect(try store.upsertItems(sourceID: "certfr", [noID, linked, noID]).newItemIDs.count == 2)
        #expect(try store.upsertItems(sourceID: "certfr", [noID, linked]).newItemIDs.isEmpty)
    }

    @Test func storesTagsWithEvidenceAndListsNewestFirst() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let old = ParsedItem(id: "old", title: "Old", published: Date(timeIntervalSince1970: 1_700_000_000))
        let recent = ParsedItem(id: "new", title: "Hôpital", published: Date(timeIntervalSince1970: 1_750_000_000))
        _ = try store.upsertItems(sourceID: "certfr", [old, recent])
        let toTag = try store.itemsToTag(rulesFingerprint: "r1")
        #expect(toTag.count == 2)
        let evidence = TagEvidence(tagID: "hopital", ruleID: "secteur.hopital", matchedText: "Hôpital", field: "title")
        try store.saveClassifications(toTag.map {
            ($0, Classification(score: $0.title == "Hôpital" ? 0.7 : 0, health: $0.title == "Hôpital",
                                evidence: $0.title == "Hôpital" ? [evidence] : [], cves: []))
        })
        #expect(try store.itemsToTag(rulesFingerprint: "r1").isEmpty)
        #expect(try store.itemsToTag(rulesFingerprint: "r2").count == 2, "new rules tag everything again")
        let latest = try store.latestItems(limit: 10)
        #expect(latest.map(\.title) == ["Hôpital", "Old"])
        #expect(latest[0].tags == [evidence])
        #expect(latest[0].health)
        #expect(latest[0].language == "fr")

        // Once a round tagged everything with r1, a changed item is still found, and its old
        // tags are replaced.
        try store.finishTagging(rulesFingerprint: "r1")
        #expect(try store.itemsToTag(rulesFingerprint: "r1").isEmpty)
        #expect(try store.itemsToTag(rulesFingerprint: "r2").count == 2, "new rules tag everything again")
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "new", title: "Clinique", published: recent.published)])
        let changed = try store.itemsToTag(rulesFingerprint: "r1")
        #expect(changed.map(\.title) == ["Clinique"])
        try store.saveClassifications(changed.map { ($0, Classification(score: 0, health: false, evidence: [], cves: [])) })
        #expect(try store.itemsToTag(rulesFingerprint: "r1").isEmpty)
        let updated = try store.latestItems(limit: 1)
        #expect(updated.map(\.title) == ["Clinique"])
        #expect(updated[0].tags.isEmpty, "the old tags went with the old text")
        #expect(!updated[0].health)
    }

    @Test func recordsFeedHealth() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try store.recordFetch(sourceID: "certfr", FetchRecord(at: now, status: "HTTP 503", result: .failure("HTTP 503"), nextDueAt: now))
        try store.recordFetch(sourceID: "certfr", FetchRecord(at: now, status: "HTTP 503", result: .failure("HTTP 503"), nextDueAt: now))
        #expect(try store.sourceStates()["certfr"]?.consecutiveFailures == 2)
        try store.recordFetch(sourceID: "certfr", FetchRecord(at: now, status: "HTTP 200", result: .success(etag: "\"e\"", lastModified: nil), nextDueAt: now))
        let state = try #require(try store.sourceStates()["certfr"])
        #expect(state.consecutiveFailures == 0)
        #expect(state.etag == "\"e\"")
        #expect(state.lastError == nil)
    }
}

@Suite struct MaintenanceTests {
    @Test func backupIsAConsistentCopyAndRefusesToOverwrite() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "a", title: "A"), ParsedItem(id: "b", title: "B")])
        let copyPath = URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("backup/copy.sqlite").path
        try store.backup(to: copyPath)
        let copy = try Store(path: copyPath)
        #expect(try copy.counts() == store.counts())
        #expect(try copy.check().isEmpty)
        #expect(throws: StoreError.self) { try store.backup(to: copyPath) }
    }

    @Test func checkReportsACorruptedFile() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", (0..<500).map { ParsedItem(id: "\($0)", title: String(repeating: "x", count: 200)) })
        let copyPath = URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("damaged.sqlite").path
        try store.backup(to: copyPath)
        // Scribble over the b-tree page headers of the copy (pages 2 to 20, 4 KiB each).
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: copyPath))
        for page in 1..<20 {
            try handle.seek(toOffset: UInt64(page * 4096))
            handle.write(Data(repeating: 0xAB, count: 12))
        }
        try handle.close()
        let problems = (try? Store(path: copyPath).check()) ?? ["cannot open"]
        #expect(!problems.isEmpty)
    }
}

@Suite struct SearchTests {
    @Test func findsWordsWhateverTheirCaseAndAccentsTitleFirst() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [
            ParsedItem(id: "1", title: "Un rançongiciel frappe un hôpital", summary: "<p>Le centre hospitalier est touché.</p>"),
            ParsedItem(id: "2", title: "Bulletin", summary: "<p>Un <b>rançongiciel</b> vise les hôpitaux et l'HÔPITAL de Caen</p>"),
            ParsedItem(id: "3", title: "Sans rapport", summary: "Pare-feu"),
        ])
        let hits = try store.search("RANCONGICIEL hopital")
        #expect(hits.map(\.title) == ["Un rançongiciel frappe un hôpital", "Bulletin"])
        #expect(hits[1].snippet.contains("[rançongiciel]"))
        #expect(try store.search("pare feu").map(\.title) == ["Sans rapport"])
    }

    /// Words are indexed and searched by their Snowball stems, French and English; a word with
    /// synonyms is any of them.
    @Test func inflectedFormsAndSynonymsAreFound() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [
            ParsedItem(id: "1", title: "Exercice de crise dans les hôpitaux de la région"),
            ParsedItem(id: "2", title: "Multiples vulnérabilités dans un serveur PACS"),
            ParsedItem(id: "3", title: "Un rançongiciel chiffre les serveurs d'une clinique"),
            ParsedItem(id: "4", title: "Hospitals report more attacks"),
            ParsedItem(id: "5", title: "Sans rapport"),
        ])
        #expect(try store.search("hôpital").map(\.title) == ["Exercice de crise dans les hôpitaux de la région"])
        #expect(try store.search("hopital").count == 1, "accents ignored as before")
        #expect(try store.search("vulnérabilité").map(\.title) == ["Multiples vulnérabilités dans un serveur PACS"])
        #expect(try store.search("hospital attack").map(\.title) == ["Hospitals report more attacks"])
        #expect(try store.search("ransomware").isEmpty, "no synonym given")
        let synonyms = SearchSynonyms(groups: [["rançongiciel", "ransomware", "logiciel de rançon"], ["hôpital", "hospital"]])
        #expect(try store.search("ransomware", synonyms: synonyms).map(\.title) == ["Un rançongiciel chiffre les serveurs d'une clinique"])
        #expect(Set(try store.search("hospitals", synonyms: synonyms).map(\.title))
                == ["Exercice de crise dans les hôpitaux de la région", "Hospitals report more attacks"])
        #expect(try store.curatedItems(query: "ransomwares", synonyms: synonyms).map(\.id).count == 1, "the editors' queue too")
        #expect(try store.search("hôp").isEmpty, "a word, not a prefix")
    }

    @Test func queriesAreWordsNeverSyntax() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "1", title: "NEAR OR AND")])
        #expect(try store.search("\")) OR * NEAR(").map(\.title) == ["NEAR OR AND"])
        #expect(try store.search("  ").isEmpty)
    }

    @Test func anUpdatedItemIsFoundByItsNewText() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "1", title: "Avis", summary: "ancien texte")])
        _ = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "1", title: "Avis", summary: "nouveau texte")])
        #expect(try store.search("ancien").isEmpty)
        #expect(try store.search("nouveau").count == 1)
    }

    @Test func theRankIsBM25WhenDocumentCountsAreExact() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let words = ["faille", "patch", "hôpital", "serveur", "alerte", "mise", "jour", "réseau"]
        _ = try store.upsertItems(sourceID: "certfr", (0..<60).map { index in
            ParsedItem(id: "\(index)", title: (0..<(1 + index % 4)).map { words[(index + $0 * 3) % words.count] }.joined(separator: " "),
                       summary: (0..<(3 + index % 7)).map { words[(index * 5 + $0) % words.count] }.joined(separator: " "))
        })
        try store.indexForSearch()
        try store.pool.read { db in
            for query in [["\"faille\""], ["\"patch\"", "\"serveur\""], ["\"hopital\"", "\"jour\"", "\"mise\""]] {
                let documents = try Store.documentFrequencies(db, phrases: query)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT bm25(item_search, 5.0, 1.0) AS expected, cv_rank(item_search, 5.0, 1.0\(String(repeating: ", ?", count: query.count))) AS rank
                    FROM item_search WHERE item_search MATCH ?
                    """, arguments: StatementArguments(documents) + [query.joined(separator: " ")])
                #expect(!rows.isEmpty)
                for row in rows {
                    let expected: Double = row["expected"], rank: Double = row["rank"]
                    #expect(abs(expected - rank) < 1e-9, "\(query): bm25 \(expected), cv_rank \(rank)")
                }
            }
        }
    }

    @Test func documentCountsPastTheExactLimitAreEstimatedFromRecentMatches() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        // One item in four holds "fréquent", evenly through the archive.
        let count = Store.countedMatches * 6
        _ = try store.upsertItems(sourceID: "certfr", (0..<count).map { ParsedItem(id: "\($0)", title: $0 % 4 == 0 ? "fréquent" : "autre") })
        try store.indexForSearch()
        let estimate = try store.pool.read { try Store.documentFrequencies($0, phrases: ["\"frequent\""])[0] }
        #expect(abs(estimate - Double(count / 4)) < Double(count) * 0.01)
        #expect(try store.search("fréquent").count == 20)
    }

    @Test func anItemGivenTheIdOfADeletedOneIsStillIndexed() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let first = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "1", title: "premier"), ParsedItem(id: "2", title: "second")])
        try store.indexForSearch()
        let last = try #require(first.newItemIDs.last)
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM item_search WHERE rowid = ?", arguments: [last])
            try db.execute(sql: "DELETE FROM item WHERE id = ?", arguments: [last])
        }
        let again = try store.upsertItems(sourceID: "certfr", [ParsedItem(id: "3", title: "troisième")])
        #expect(again.newItemIDs == [last])  // SQLite reuses the highest id once it is free
        #expect(try store.search("troisieme").count == 1)
        #expect(try store.search("premier").count == 1)
    }
}

@Suite struct BatchDigestTests {
    @Test func anUnchangedFeedIsRecognisedWholeAndAChangeIsStillSeen() throws {
        let store = try temporaryStore()
        try store.syncSources([source])
        let items = (0..<10).map { ParsedItem(id: "\($0)", title: "Titre \($0)") }
        _ = try store.upsertItems(sourceID: "certfr", items)
        let again = try store.upsertItems(sourceID: "certfr", items)
        #expect(again.unchanged == 10 && again.newItemIDs.isEmpty && again.updatedItemIDs.isEmpty)
        var revised = items
        revised[3].title = "Titre 3 corrigé"
        let third = try store.upsertItems(sourceID: "certfr", revised + [ParsedItem(id: "new", title: "Nouveau")])
        #expect(third.updatedItemIDs.count == 1)
        #expect(third.newItemIDs.count == 1)
        #expect(third.unchanged == 9)
    }
}

@Suite struct ContentHashTests {
    /// Stored hashes must stay valid: the streaming hash is the hash of the joined fields.
    @Test func theStreamingHashIsTheHashOfTheJoinedFields() {
        let item = ParsedItem(id: "x", title: "Titre é", link: nil, summary: "s", content: nil, authors: ["a", "b"], categories: [],
                              enclosures: [Enclosure(url: "https://e/1"), Enclosure(url: "https://e/2")])
        #expect(ContentHash.of(item) == StableHash.hex(["Titre é", nil, "s", nil, "a\u{1e}b", "", "https://e/1\u{1e}https://e/2"]))
        // Values of the FNV-1a definition (computed independently): hashes already stored stay valid.
        #expect(ContentHash.of(item) == "65f1a816e6b970f9")
        #expect(StableHash.hex(["ab", "c"]) == "0ab11b2f87ef04a1")
        #expect(StableHash.hex(["ab", "c"]) != StableHash.hex(["a", "bc"]))
    }
}

@Suite struct PublicationFilterTests {
    @Test func onlyHealthItemsOfUnrestrictedSourcesArePublished() throws {
        let store = try temporaryStore()
        try store.syncSources([Source(id: "public", title: "P", url: "https://example.org/p", tlp: "clear"),
                               Source(id: "unmarked", title: "U", url: "https://example.org/u"),
                               Source(id: "amber", title: "A", url: "https://example.org/a", tlp: "amber")])
        for source in ["public", "unmarked", "amber"] {
            _ = try store.upsertItems(sourceID: source, [ParsedItem(id: "1", title: "Hôpital \(source)"), ParsedItem(id: "2", title: "Autre")])
        }
        try store.saveClassifications(try store.itemsToTag(rulesFingerprint: "r").map {
            ($0, Classification(score: $0.title.hasPrefix("Hôpital") ? 0.7 : 0, health: $0.title.hasPrefix("Hôpital"), evidence: [], cves: []))
        })
        #expect(Set(try store.publishableItems(limit: 10).map(\.title)) == ["Hôpital public", "Hôpital unmarked"])
        #expect(try store.counts().items == 6, "restricted items are kept, only not published")

        // The same story told by the amber source: its title and link stay off the public site.
        try store.groupStories()
        let publicItem = try #require(try store.publishableItems(limit: 10).first { $0.sourceID == "public" })
        let amberItem = try #require(try store.latestItems(limit: 10).first { $0.sourceID == "amber" && $0.health })
        try store.mergeStories(item: publicItem.id, other: amberItem.id)
        let published = try #require(try store.publishableItems(limit: 10).first { $0.id == publicItem.id })
        #expect(!published.alsoReportedBy.contains { $0.title.contains("amber") })
        #expect(try store.item(id: publicItem.id)?.alsoReportedBy.contains { $0.title.contains("amber") } == true,
                "editors see every source")
    }
}
