import Foundation
@testable import Incidents
import Model
import Storage
import Testing

private let now = Date(timeIntervalSince1970: 1_796_000_000)

private func fact(_ id: Int, category: IncidentCategory = .rancongiciel, region: String = "11", daysAgo: Double = 1,
                  cves: [String] = [], products: [String] = []) -> IncidentFacts {
    IncidentFacts(id: "T-\(id)", declaredAt: now.addingTimeInterval(-daysAgo * 86_400), occurredAt: nil, structureType: .ch, region: region,
                  nature: .malveillant, category: category, careDisrupted: false, healthDataAffected: false, supportRequested: false,
                  status: .received, qualifiedAt: nil, supportAt: nil, closedAt: nil, cves: cves, products: products)
}

@Suite struct AlertRulesTests {
    let rules = AlertRules(burstCount: 5, regionalBurstCount: 3, burstDays: 7)

    @Test func aNationalBurstFiresAtItsThresholdAndNotBelow() {
        // Spread over regions so that no regional burst fires.
        let regions = ["11", "84", "75", "76", "44"]
        let five = (0..<5).map { fact($0, category: .hameconnage, region: regions[$0]) }
        #expect(rules.bursts(five, now: now).map(\.key) == ["burst:hameçonnage:national"])
        #expect(rules.bursts(Array(five.prefix(4)), now: now).isEmpty)
        // Declarations older than the window do not count.
        let old = Array(five.prefix(4)) + [fact(9, category: .hameconnage, region: "32", daysAgo: 8)]
        #expect(rules.bursts(old, now: now).isEmpty)
    }

    @Test func aRegionalBurstFiresAtItsThresholdAndNotBelow() {
        let three = (0..<3).map { fact($0, category: .ddos, region: "28") }
        let alerts = rules.bursts(three, now: now)
        #expect(alerts.map(\.key) == ["burst:DDoS:region-28"])
        #expect(alerts.first?.title.contains("Normandie") == true)
        #expect(rules.bursts(Array(three.prefix(2)), now: now).isEmpty)
        // Ransomware bursts rank one level higher.
        #expect(rules.bursts((0..<3).map { fact($0, region: "28") }, now: now).first?.severity == .high)
    }

    @Test func aDeclaredCVEKnownFromAnAdvisoryOrTheKEVCatalogFires() {
        let known = KnownExploitedVulnerability(cve: "CVE-2026-1111", dateAdded: "2026-11-01", dueDate: "2026-11-22",
                                                knownRansomwareUse: true, vendor: "Medirad", product: "PACS", name: "Medirad PACS RCE")
        let knowledge = AlertRules.Knowledge(itemsByCVE: ["CVE-2026-2222": [7]], advisoriesByProduct: ["infulink gateway": [9]],
                                             knownExploited: ["CVE-2026-1111": known])
        let facts = [fact(1, cves: ["CVE-2026-1111"]), fact(2, cves: ["CVE-2026-2222"]), fact(3, cves: ["CVE-2026-3333"]),
                     fact(4, products: ["InfuLink gateway"]), fact(5, products: ["Unknown product"])]
        let alerts = rules.declaredCVEs(facts, knowledge: knowledge)
        #expect(alerts.map(\.key) == ["declared-cve:CVE-2026-1111", "declared-cve:CVE-2026-2222", "declared-product:infulink gateway"])
        #expect(alerts[0].severity == .critical && alerts[0].dueDate == "2026-11-22")
        #expect(alerts[1].references == [7])
        // Just below: a CVE nobody published anything about raises nothing.
        #expect(rules.declaredCVEs([fact(3, cves: ["CVE-2026-3333"])], knowledge: knowledge).isEmpty)
    }

    /// Before: a single declaration citing a CVE made an alert saying « Des déclarations
    /// d'incident citent … », and a regional alert counted 3 declarations in a region the
    /// observatory withholds below 5.
    @Test func fewerThanKDeclarationsAreNeverSpokenOf() {
        let known = KnownExploitedVulnerability(cve: "CVE-2026-1111", dateAdded: "2026-11-01", dueDate: "2026-11-22",
                                                knownRansomwareUse: true, vendor: "Medirad", product: "PACS", name: "Medirad PACS RCE")
        let knowledge = AlertRules.Knowledge(advisoriesByProduct: ["infulink gateway": [9]], knownExploited: ["CVE-2026-1111": known])
        let strict = AlertRules(burstCount: 5, regionalBurstCount: 5, burstDays: 7, smallestCountShown: 5)
        let one = strict.declaredCVEs([fact(1, cves: ["CVE-2026-1111"], products: ["InfuLink gateway"])], knowledge: knowledge)
        #expect(one.count == 2)
        for alert in one {
            let text = (alert.title + " " + alert.summary).lowercased()
            #expect(!text.contains("déclar") && !text.contains("structures de santé"), "\(alert.title) — \(alert.summary)")
        }
        #expect(one[0].title == "CVE-2026-1111 activement exploitée : Medirad PACS")
        let five = strict.declaredCVEs((1...5).map { fact($0, cves: ["CVE-2026-1111"]) }, knowledge: knowledge)
        #expect(five[0].summary.hasPrefix("5 déclarations d'incident citent CVE-2026-1111"))
        #expect(strict.bursts((0..<4).map { fact($0, category: .ddos, region: "28") }, now: now).isEmpty, "4 in a region: no alert")
    }

    @Test func aKnownExploitedCVEOfAHealthProductFires() {
        let known = KnownExploitedVulnerability(cve: "CVE-2026-4444", dateAdded: "2026-11-20", dueDate: "2026-12-11",
                                                knownRansomwareUse: false, vendor: "Oxyvent", product: "OV-3", name: "OV-3 auth bypass")
        let health = ["CVE-2026-4444": (items: [Int64(3)], products: ["Oxyvent OV-3 ICU ventilator"])]
        let fires = rules.knownExploitedHealthProducts(AlertRules.Knowledge(knownExploited: ["CVE-2026-4444": known],
                                                                           healthProductsByKnownExploitedCVE: health))
        #expect(fires.map(\.key) == ["kev-health-product:CVE-2026-4444"])
        #expect(fires.first?.dueDate == "2026-12-11" && fires.first?.severity == .critical)
        // Just below: the same health product CVE, not (or no longer) in the KEV catalog.
        #expect(rules.knownExploitedHealthProducts(AlertRules.Knowledge(healthProductsByKnownExploitedCVE: health)).isEmpty)
    }
}

@Suite struct AlertStoreTests {
    private func store() throws -> Store {
        try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("cv-alerts-\(UUID().uuidString).sqlite").path)
    }

    /// An editor's words stay theirs: the rules only add what they find, their change waits for
    /// a second editor (never published at once), and the two-person rule follows who wrote what.
    @Test func theRulesNeverRewriteAnEditorsWordsNorPublishTheirChangeAlone() throws {
        let store = try store()
        let regions = ["11", "84", "75", "76", "44", "32"]
        var candidate = AlertRules().bursts((0..<5).map { fact($0, category: .hameconnage, region: regions[$0]) }, now: now)[0]
        let first = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: now).alert
        let edited = try store.editAlert(first.id, title: "Hameçonnage : campagne contre les GHT", severity: first.severity,
                                         summary: "Texte de la cellule.", summaryHTML: nil, measures: nil, measuresHTML: nil,
                                         actor: "alice", expectedVersion: first.version, at: now)
        #expect(edited.editedBy == "alice" && edited.author == "alice")
        candidate = AlertRules().bursts((0..<6).map { fact($0, category: .hameconnage, region: regions[$0]) }, now: now)[0]
        candidate.products = ["Messagerie X"]
        let update = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: .info, at: now).alert
        #expect(update.title == "Hameçonnage : campagne contre les GHT" && update.summary == "Texte de la cellule.", "the editor's words stay")
        #expect(update.products.contains("Messagerie X"), "what the rules found is added")
        #expect(update.status == .draft && update.published == nil, "an editor's unapproved change is never published by the rules")
        #expect(update.author == "alice")
        #expect(throws: AlertError.self) { try store.approveAlert(first.id, actor: "alice", at: now) }
        _ = try store.approveAlert(first.id, actor: "bob", at: now)
        #expect(try store.publishAlert(first.id, actor: "bob", requireApproval: true, at: now).status == .published,
                "alice wrote it, bob approved and published it: two people")
    }

    @Test func aDerivedAlertIsUpdatedInPlaceApprovedByASecondEditorAndEmbargoed() throws {
        let store = try store()
        let regions = ["11", "84", "75", "76", "44", "32"]
        var candidate = AlertRules().bursts((0..<5).map { fact($0, category: .hameconnage, region: regions[$0]) }, now: now)[0]
        let first = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: now)
        #expect(first.changed && first.alert.status == .draft && first.alert.id.hasPrefix("ALERTE-2026-"))
        #expect(try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: now).changed == false)

        #expect(throws: AlertError.self) { try store.publishAlert(first.alert.id, actor: "alice", requireApproval: true, at: now) }
        _ = try store.approveAlert(first.alert.id, actor: "alice", at: now)
        #expect(throws: AlertError.self) { try store.publishAlert(first.alert.id, actor: "alice", requireApproval: true, at: now) }
        let embargo = now.addingTimeInterval(3600)
        let published = try store.publishAlert(first.alert.id, actor: "bob", requireApproval: true, embargoUntil: embargo, at: now)
        #expect(published.status == .published)
        #expect(try store.publicAlerts(at: now).isEmpty, "under embargo")
        #expect(try store.publicAlerts(at: embargo.addingTimeInterval(1)).map(\.id) == [first.alert.id])

        // The burst grows: the same alert changes, but the site keeps the approved content
        // until a second editor approves the change and it is published again, as an update.
        candidate = AlertRules().bursts((0..<6).map { fact($0, category: .hameconnage, region: regions[$0]) }, now: now)[0]
        let later = now.addingTimeInterval(7200)
        let update = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: later)
        #expect(update.changed && update.alert.id == first.alert.id && update.alert.status == .published)
        #expect(update.alert.summary.hasPrefix("6 structures") && update.alert.hasPendingChanges && update.alert.approvedBy == nil)
        let shown = try #require(try store.publicAlerts(at: later).first?.published)
        #expect(shown.summary.hasPrefix("5 structures"), "an unapproved change never reaches the site")
        #expect(throws: AlertError.self) { try store.publishAlert(first.alert.id, actor: "bob", requireApproval: true, at: later) }
        _ = try store.approveAlert(first.alert.id, actor: "bob", at: later)
        let republished = try store.publishAlert(first.alert.id, actor: "alice", requireApproval: true, at: later)
        #expect(republished.status == .updated && republished.published?.summary.hasPrefix("6 structures") == true)
        #expect(try store.alerts().count == 1)
        #expect(try store.alertHistory(id: first.alert.id).map(\.action)
                == ["derived", "approved", "published (embargo until \(ISO8601UTC.string(from: embargo)))", "rule-update", "approved", "published"])

        // Closed, the same situation stays closed for 30 days, then may raise a new alert.
        _ = try store.closeAlert(first.alert.id, actor: "alice", at: later)
        #expect(try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: later).changed == false)
        let again = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: nil, at: later.addingTimeInterval(31 * 86_400))
        #expect(again.changed && again.alert.id != first.alert.id)
    }

    @Test func severeDerivedAlertsPublishThemselvesWhenConfigured() throws {
        let store = try store()
        let candidate = AlertCandidate(rule: "kev-health-product", key: "kev-health-product:CVE-2026-4444", severity: .critical,
                                       title: "t", summary: "s")
        let alert = try store.saveDerivedAlert(candidate, summaryHTML: nil, measuresHTML: nil, publishFrom: .critical, at: now).alert
        #expect(alert.status == .published && alert.isPublic(at: now))
        let moderate = AlertCandidate(rule: "burst", key: "burst:DDoS:region-28", severity: .moderate, title: "t", summary: "s")
        #expect(try store.saveDerivedAlert(moderate, summaryHTML: nil, measuresHTML: nil, publishFrom: .critical, at: now).alert.status == .draft)
    }
}
