import Curation
import Foundation
import Model
@testable import Storage
import Testing

/// A store with `count` items, tagged with the given scores (health from 0.5).
private func store(scores: [Double], kev: Set<Int> = []) throws -> Store {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cv-curation-\(UUID().uuidString).sqlite").path
    let store = try Store(path: path)
    try store.syncSources([Source(id: "s", title: "S", url: "https://example.org/")])
    _ = try store.upsertItems(sourceID: "s", scores.indices.map { ParsedItem(id: "i\($0)", title: "Item \($0)") })
    let items = try store.itemsToTag(rulesFingerprint: "r")
    try store.saveClassifications(items.map { item in
        let index = Int(item.id) - 1
        return (item, Classification(score: scores[index], health: scores[index] >= 0.5,
                                     evidence: [TagEvidence(tagID: "sante", ruleID: "sante.generique", matchedText: "santé", field: "title")],
                                     cves: kev.contains(index) ? ["CVE-2026-0001"] : []))
    })
    if !kev.isEmpty {
        try store.replaceKnownExploited([KnownExploitedVulnerability(cve: "CVE-2026-0001", dateAdded: "2026-11-01", dueDate: nil,
                                                                     knownRansomwareUse: false, vendor: "", product: "", name: "")],
                                        state: EnrichmentState(origin: "test", etag: nil, lastModified: nil, digest: nil, entries: 1, updatedAt: Date()))
    }
    return store
}

private let curatorTags: Set<String> = ["sante", "rancongiciel", "hopital"]

@Suite struct WorkflowTests {
    @Test func theQueueListsWhatTheRulesMatchedAndWhichCVEsAreExploited() throws {
        let store = try store(scores: [0.7, 0.6], kev: [0])
        let listed = try store.curatedItems(order: .score)
        #expect(listed.map(\.id) == [1, 2], "highest score first")
        #expect(listed[0].cves == ["CVE-2026-0001"] && listed[0].knownExploited == ["CVE-2026-0001"])
        #expect(listed[1].cves.isEmpty && listed[1].knownExploited.isEmpty)
        #expect(listed[0].evidence.map(\.matchedText) == ["santé"] && listed[0].evidence.first?.field == "title")
    }

    @Test func aRejectionKeepsItsReasonUntilTheItemLeavesRejected() throws {
        let store = try store(scores: [0.7])
        let curator = Curator(store: store, knownTags: curatorTags)
        try curator.decide(1, .rejected, actor: "alice", reason: "  doublon  ")
        #expect(try store.curation(itemID: 1).rejectionReason == "doublon")
        #expect(try store.auditLog(itemID: 1).first?.after?.contains("\"rejectionReason\":\"doublon\"") == true, "in the audit log too")
        try curator.decide(1, .selected, actor: "bob", reason: "ignored")
        #expect(try store.curation(itemID: 1).rejectionReason == nil)
        try curator.decide(1, .rejected, actor: "alice", reason: String(repeating: "x", count: 500))
        #expect(try store.curation(itemID: 1).rejectionReason?.count == 200, "bounded")
    }

    @Test func thePolicyQueuesSelectsAndRejectsWithoutAnEditor() throws {
        // 0: health + KEV → selected; 1: ≥ 0.9 → selected; 2: health → queued; 3: between → new; 4: below the floor → rejected
        let store = try store(scores: [0.6, 0.95, 0.7, 0.3, 0.01], kev: [0])
        let counts = try store.applyCurationPolicy(CurationPolicy(autoSelectThreshold: 0.9))
        #expect(counts == [.selected: 2, .queued: 1, .rejected: 1])
        #expect(try (1...5).map { try store.curation(itemID: Int64($0)).status } == [.selected, .selected, .queued, .new, .rejected])
        #expect(try store.auditLog().allSatisfy { $0.actor == "policy" })
        #expect(try store.auditLog().count == 4)
        // A second pass decides nothing again.
        #expect(try store.applyCurationPolicy(CurationPolicy()).isEmpty)
        // Published: selected and queued (unreviewed) health items, never rejected or new ones.
        #expect(Set(try store.publishableItems(limit: 10).map(\.id)) == [1, 2, 3])
        #expect(Set(try store.publishableItems(limit: 10, unreviewed: false).map(\.id)) == [1, 2])
    }

    /// The policy reads only what was tagged since it last ran, but everything undecided again
    /// when its thresholds or the KEV catalog change.
    @Test func thePolicyLooksAgainWhenItOrTheKEVCatalogChanges() throws {
        let first = try store(scores: [0.6, 0.3])
        #expect(try first.applyCurationPolicy(CurationPolicy()) == [.queued: 1])
        #expect(try first.applyCurationPolicy(CurationPolicy()).isEmpty)
        // The middle item (0.3) is rejected once the floor is raised over it.
        #expect(try first.applyCurationPolicy(CurationPolicy(floor: 0.4)) == [.rejected: 1])

        let other = try store(scores: [0.7, 0.6], kev: [])
        #expect(try other.applyCurationPolicy(CurationPolicy(queueThreshold: 0.65)) == [.queued: 1])
        // Item 2 (0.6, health) stays new; its CVE becomes known exploited: it is selected.
        try other.pool.write { try $0.execute(sql: "INSERT INTO item_cve (item_id, cve) VALUES (2, 'CVE-2026-0002')") }
        try other.replaceKnownExploited([KnownExploitedVulnerability(cve: "CVE-2026-0002", dateAdded: "2026-11-02", dueDate: nil,
                                                                     knownRansomwareUse: false, vendor: "", product: "", name: "")],
                                        state: EnrichmentState(origin: "test", etag: nil, lastModified: nil, digest: nil, entries: 1, updatedAt: Date()))
        #expect(try other.applyCurationPolicy(CurationPolicy(queueThreshold: 0.65)) == [.selected: 1])

        // An item tagged again (its text changed) is looked at again.
        _ = try other.upsertItems(sourceID: "s", [ParsedItem(id: "i1", title: "Item 1, updated")])
        let toTag = try other.itemsToTag(rulesFingerprint: "r")
        #expect(toTag.map(\.id) == [2])
        #expect(toTag.first?.wasTagged == true)
    }

    /// Every pair of states: the editor's move is allowed exactly when the workflow says so.
    @Test(arguments: CurationStatus.allCases)
    func everyTransitionFrom(_ from: CurationStatus) throws {
        for target in [CurationStatus.queued, .selected, .rejected] {
            let store = try store(scores: [0.7])
            if from != .new {
                try store.changeCuration(itemID: 1, expectedVersion: nil, actor: "setup", action: "setup") { $0.status = from }
            }
            let curator = Curator(store: store, knownTags: curatorTags)
            let allowed = from == target || from.editorTargets.contains(target)
            do {
                let state = try curator.decide(1, target, actor: "alice")
                #expect(allowed, "\(from) → \(target) must be refused")
                #expect(state.status == target)
                let entry = try #require(try store.auditLog(itemID: 1).first)
                #expect(entry.actor == "alice" && entry.action == target.rawValue)
                #expect(entry.before?.contains("\"status\":\"\(from.rawValue)\"") == true)
                #expect(entry.after?.contains("\"status\":\"\(target.rawValue)\"") == true)
            } catch let error as CurationError {
                #expect(!allowed, "\(from) → \(target) must be allowed: \(error)")
                #expect(try store.curation(itemID: 1).status == from, "a refused move changes nothing")
            }
        }
    }

    @Test func aSecondEditorWorkingFromAStaleVersionGetsAConflict() throws {
        let store = try store(scores: [0.7])
        try store.applyCurationPolicy(CurationPolicy())
        let curator = Curator(store: store, knownTags: curatorTags)
        let seen = try store.curation(itemID: 1).version
        try curator.decide(1, .selected, actor: "alice", expectedVersion: seen)
        do {
            try curator.decide(1, .rejected, actor: "bob", expectedVersion: seen)
            Issue.record("a stale change went through")
        } catch let conflict as CurationConflict {
            #expect(conflict.current.status == .selected)
            #expect(conflict.current.updatedBy == "alice")
            #expect(conflict.expectedVersion == seen)
        }
        #expect(try store.curation(itemID: 1).status == .selected, "nothing overwritten")
    }

    @Test func pinsTitlesNotesAndTags() throws {
        let store = try store(scores: [0.7, 0.7])
        let curator = Curator(store: store, knownTags: curatorTags)
        let pinned = try curator.pin(1, actor: "alice")
        #expect(pinned.pinned && pinned.status == .selected)
        try curator.decide(2, .rejected, actor: "alice")
        #expect(throws: CurationError.self) { try curator.pin(2, actor: "alice") }

        let edited = try curator.edit(1, title: "Un titre <b>clair</b>", note: "**À lire** [avis](https://example.org/a) <script>alert(1)</script><img src=x onerror=alert(2)>",
                                      actor: "alice")
        #expect(edited.titleOverride == "Un titre <b>clair</b>")
        let html = try #require(edited.noteHTML)
        #expect(html.contains("<strong>À lire</strong>"))
        #expect(html.contains("href=\"https://example.org/a\""))
        #expect(!html.contains("<script") && !html.contains("onerror") && !html.contains("alert(1)"))
        let item = try #require(try store.item(id: 1))
        #expect(item.title == "Un titre <b>clair</b>")
        #expect(item.pinned)
        #expect(item.editorNoteHTML == html)

        try curator.tag(1, ["+rancongiciel", "-sante"], actor: "bob")
        let tagged = try #require(try store.item(id: 1))
        #expect(tagged.tags.map(\.tagID) == ["rancongiciel"])
        #expect(tagged.tags.first?.ruleID == "editor")
        #expect(throws: CurationError.self) { try curator.tag(1, ["+unknown-tag"], actor: "bob") }
        #expect(throws: CurationError.self) { try curator.tag(1, ["ransomware"], actor: "bob") }
        #expect(try store.curatedItems(tag: "rancongiciel").map(\.id) == [1])
        #expect(try store.curatedItems(tag: "sante").map(\.id) == [2])
    }

    @Test func publicationMarksSelectedItemsPublished() throws {
        let store = try store(scores: [0.7, 0.7])
        let curator = Curator(store: store, knownTags: curatorTags)
        try curator.decide(1, .selected, actor: "alice")
        try store.markPublished(itemIDs: [1, 2])
        #expect(try store.curation(itemID: 1).status == .published)
        #expect(try store.curation(itemID: 2).status == .new, "only selected items become published")
        #expect(try store.auditLog(itemID: 1).first?.actor == "publication")
        // A published item can be withdrawn, not sent back to the queue.
        #expect(throws: CurationError.self) { try curator.decide(1, .queued, actor: "alice") }
        try curator.decide(1, .rejected, actor: "alice", note: "Retiré : information démentie.")
        #expect(try store.publishableItems(limit: 10).map(\.id) == [2])
    }

    @Test func theAuditLogIsAppendOnly() throws {
        let store = try store(scores: [0.7])
        try Curator(store: store, knownTags: curatorTags).decide(1, .selected, actor: "alice")
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'mallory'") } }
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "DELETE FROM audit_log") } }
        #expect(try store.auditLog().first?.actor == "alice")
    }
}
