import Curation
import Foundation
import Model
import Storage
import TestSupport
import Testing

/// Every screen of the desk speaks French: the visible strings of each page (text, labels,
/// placeholders, button values) are listed and none is a stored English name of a state, a
/// field or an action.
@Suite(.serialized) struct DeskVisibleWordsTests {
    /// The stored names people must never read: workflow states, fields, roles, severities.
    static let english: Set<String> = [
        "new", "queued", "selected", "rejected", "published", "pinned", "unpinned", "handled", "all", "policy", "rules",
        "draft", "updated", "approved", "closed", "received", "qualified", "pending", "written", "edited", "derived",
        "title", "summary", "content", "reason", "tags", "state", "status", "score", "urgency", "urgent", "high", "normal",
        "critical", "moderate", "editor", "admin", "true", "false", "nil", "null", "none", "select", "reject", "queue", "pin",
        "unpin", "edit", "approve", "publish", "qualify", "version", "conflict", "embargo", "yes", "no",
    ]
    // « version », « embargo », « conflit » are French too; « version N » is how the desk says it.
    static let alsoFrench: Set<String> = ["version", "embargo", "normal", "support"]

    /// The strings a reader sees or hears: text between tags, and the labels and placeholders of controls.
    static func visibleStrings(_ html: String) -> [String] {
        var page = html
        for block in ["script", "style", "head"] {
            page = page.replacingOccurrences(of: "<\(block)[^>]*>[\\s\\S]*?</\(block)>", with: " ", options: .regularExpression)
        }
        var strings: [String] = []
        let attributes = try! NSRegularExpression(pattern: #"(?:placeholder|aria-label|title|alt)="([^"]*)""#)
        for match in attributes.matches(in: page, range: NSRange(page.startIndex..., in: page)) {
            strings.append(String(page[Range(match.range(at: 1), in: page)!]))
        }
        let text = page.replacingOccurrences(of: "<[^>]+>", with: "\n", options: .regularExpression)
        strings += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return strings.map { $0.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&") }
    }

    static func englishWords(in string: String) -> [String] {
        string.lowercased().split { !$0.isLetter }.map(String.init).filter { english.contains($0) && !alsoFrench.contains($0) }
    }

    @Test func noScreenOfTheDeskShowsAStoredEnglishName() async throws {
        let (base, store, stop) = try await startDesk { $0.rejectionReasons = ["doublon"] }
        defer { stop() }
        try Editors(store: store, cost: 4).add("root", role: .admin, password: "root's long password", actor: "test")
        _ = try store.importIncidents([
            IncidentDeclaration(id: "D-1", declaredAt: Date(timeIntervalSince1970: 1_795_000_000), occurredAt: nil, structureType: .ehpad,
                                region: "53", nature: .malveillant, category: .hameconnage, careDisrupted: false, healthDataAffected: true,
                                supportRequested: true, unavailabilityHours: nil, cves: ["CVE-2026-0001"], products: ["Messagerie"],
                                structureName: "EHPAD des Tilleuls", description: "Un courriel piégé"),
        ], actor: "test")
        let alert = try store.createAlert(severity: .critical, title: "Faille exploitée", summary: "Corriger.", summaryHTML: "<p>Corriger.</p>",
                                          measures: nil, measuresHTML: nil, products: ["VPN"], cves: ["CVE-2026-0001"], requiredAction: nil,
                                          dueDate: nil, references: [1], actor: "alice")
        let root = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(root, "root", "root's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        let csrf = try #require(Browser.csrf(await root.get("/queue").body))
        let bobCSRF = try #require(Browser.csrf(await bob.get("/queue").body))
        // Some history first, so that the history and the audit log have lines to show.
        _ = await root.post("/items/1/reject", ["csrf": csrf, "version": "1", "reason": "doublon"])
        _ = await root.post("/items/2/pin", ["csrf": csrf, "version": "1"])
        _ = await root.post("/alerts/\(alert.id)/approve", ["csrf": csrf, "version": "1"])
        _ = await root.post("/incidents/D-1/qualify", ["csrf": csrf, "nature": "malveillant", "category": "hameçonnage"])

        var pages: [(String, Browser.Page)] = []
        for path in ["/login", "/queue", "/queue?state=all", "/queue?state=policy-rejected", "/items/1", "/items/2", "/preview", "/audit",
                     "/alerts", "/alerts/\(alert.id)", "/incidents", "/incidents/D-1", "/publish", "/users", "/items/999"] {
            pages.append((path, await root.get(path)))
        }
        pages.append(("conflict", await bob.post("/items/2/edit", ["csrf": bobCSRF, "version": "1", "title": "Autre", "note": ""])))
        pages.append(("bulk outcome", await bob.post("/items/bulk", pairs: [("csrf", bobCSRF), ("action", "select"), ("item[]", "2:1")])))
        pages.append(("refused action", await bob.post("/items/1/pin", ["csrf": bobCSRF, "version": "2"])))
        pages.append(("alert conflict", await bob.post("/alerts/\(alert.id)/close", ["csrf": bobCSRF, "version": "1"])))
        var listed = 0
        for (path, page) in pages {
            #expect(page.status != 0 && page.body.contains("<html lang=\"fr\">"), "\(path): \(page.status)")
            let strings = Self.visibleStrings(page.body)
            listed += strings.count
            for string in strings where !Self.englishWords(in: string).isEmpty {
                Issue.record("\(path): « \(string) » shows \(Self.englishWords(in: string))")
            }
        }
        let audit = try #require(pages.first { $0.0 == "/audit" }?.1.body)
        #expect(audit.contains("état : en file → rejeté ; motif : — → doublon") && audit.contains("la politique de tri")
                && audit.contains(#"<a href="/items/1">élément 1</a>"#), "the audit log in words")
        #expect(listed > 500, "the pages' visible strings were listed (\(listed))")
        #expect(Self.englishWords(in: "état : queued") == ["queued"], "the check finds what it looks for")
    }
}
