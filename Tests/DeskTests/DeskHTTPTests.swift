import Config
import Curation
import Desk
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Model
import Storage
import TestSupport
import Testing

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A store with two items, one whose title carries a script, and two editors; the desk on a free port.
func startDesk(logger: Logger = Logger(label: "desk-test", factory: { _ in SwiftLogNoOpLogHandler() }),
               configure: (inout DeskConfiguration) -> Void = { _ in }, publish: DeskPublish? = nil,
               preview: DeskRenderPreview? = nil) async throws -> (base: String, store: Store, stop: @Sendable () -> Void) {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cv-desk-\(UUID().uuidString).sqlite").path
    let store = try Store(path: path)
    try store.syncSources([Source(id: "s", title: "Source S", url: "https://example.org/")])
    _ = try store.upsertItems(sourceID: "s", [
        ParsedItem(id: "1", title: "<script>alert('desk')</script> Rançongiciel au CHU", link: "https://example.org/1",
                   summary: "Un CHU <img src=x onerror=alert(1)> touché."),
        ParsedItem(id: "2", title: "Fuite de données dans une clinique", link: "https://example.org/2"),
    ])
    let items = try store.itemsToTag(rulesFingerprint: "r")
    try store.saveClassifications(items.map {
        ($0, Classification(score: 0.7, health: true, evidence: [TagEvidence(tagID: "sante", ruleID: "sante.secteur", matchedText: "CHU", field: "title")], cves: []))
    })
    try store.applyCurationPolicy(CurationPolicy())
    let editors = Editors(store: store, cost: 4)
    try editors.add("alice", role: .editor, password: "alice's long password", actor: "test")
    try editors.add("bob", role: .editor, password: "bob's long password!", actor: "test")
    var configuration = DeskConfiguration(port: 0, templatesDirectory: root.appendingPathComponent("Templates/desk").path)
    configure(&configuration)
    let server = try DeskServer(store: store, knownTags: ["sante"], passwordCost: 4, publishUnreviewed: true,
                                configuration: configuration, logger: logger, publish: publish, preview: preview)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let task = Task {
        try await server.application { port in continuation.yield(port) }.run()
    }
    var iterator = ports.makeAsyncIterator()
    let port = await iterator.next() ?? 0
    return ("http://127.0.0.1:\(port)", store, { task.cancel() })
}


@Suite(.serialized) struct DeskHTTPTests {
    @Test func healthLoginQueueAndActions() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        #expect(await browser.get("/health").status == 200)
        #expect(await browser.get("/queue").status == 303, "no session: sent to the sign-in page")

        let wrong = await signIn(browser, "alice", "not her password")
        #expect(wrong.status == 401)
        #expect(wrong.body.contains("Nom ou mot de passe incorrect"))

        let good = await signIn(browser, "alice", "alice's long password")
        #expect(good.status == 303)
        #expect(good.headers["location"] == "/queue")
        let setCookie = good.headers["set-cookie"] ?? ""
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Secure"))

        let queue = await browser.get("/queue")
        #expect(queue.status == 200)
        #expect(queue.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        #expect(queue.body.contains("Fuite de données dans une clinique"))
        // The script in a title is text, never markup.
        #expect(queue.body.contains("&lt;script&gt;alert(&#39;desk&#39;)&lt;/script&gt;") || queue.body.contains("&lt;script&gt;alert("))
        #expect(!queue.body.contains("<script>alert"))
        let item = await browser.get("/items/1")
        #expect(!item.body.contains("<script>alert") && !item.body.contains("onerror"))

        // CSRF: a post without the session's token changes nothing.
        let forged = await browser.post("/items/2/select", ["csrf": "0000", "version": "1"])
        #expect(forged.status == 403)
        #expect(try store.curation(itemID: 2).status == .queued)

        let csrf = try #require(Browser.csrf(queue.body))
        #expect(await browser.post("/items/2/select", ["csrf": csrf, "version": "1", "return": "/queue"]).status == 303)
        #expect(try store.curation(itemID: 2).status == .selected)
        #expect(await browser.post("/items/1/reject", ["csrf": csrf, "version": "1"]).status == 303)
        #expect(try store.curation(itemID: 1).status == .rejected)
        #expect(try store.auditLog(itemID: 2).first?.actor == "alice")
        #expect(await browser.get("/preview").body.contains("Fuite de données dans une clinique"))
        #expect(await !browser.get("/preview").body.contains("Rançongiciel au CHU"))
    }

    @Test func statesDatesAndNumbersAreInFrench() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let queue = await browser.get("/queue?state=all")
        // The URL keeps the stored names; what is read is French.
        #expect(queue.body.contains("<option value=\"queued\">en file</option>") && queue.body.contains(">tous</option>"))
        #expect(queue.body.contains("(2 éléments)") && queue.body.contains("pertinence 0,70"))
        let visible = queue.body.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        for english in ["queued", "selected", "rejected", "published", " all "] {
            #expect(!visible.contains(english), "« \(english) » shown in the queue")
        }
        #expect(queue.body.contains(#"<time datetime=""#))
        let csrf = try #require(Browser.csrf(queue.body))
        #expect(await browser.post("/items/2/reject", ["csrf": csrf, "version": "1"]).status == 303)
        let item = await browser.get("/items/2")
        #expect(item.body.contains("état <strong>rejeté</strong>"))
        let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
        #expect(months.contains { item.body.contains(" \($0) 20") } && item.body.contains(" h "), "history dates in words: « 7 décembre 2026 à 14 h 10 »")
        #expect(item.body.contains("alice : rejeté"))
        withExtendedLifetime(store) {}
    }

    @Test func theQueueFiltersSortsAndShowsEachItemsText() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let all = await browser.get("/queue?state=all&sort=date&source=s&urgency=normal")
        #expect(all.body.contains("(2 éléments)"), "both items of source s")
        #expect(all.body.contains(#"<option value="date" selected>date</option>"#) && all.body.contains(#"<option value="s" selected>Source S</option>"#))
        #expect(all.body.contains("sort%3Ddate") || all.body.contains("sort=date"), "actions come back to the same view")
        // The item's text, as text: the summary's markup never reaches the page.
        #expect(all.body.contains(#"<p class="summary">Un CHU"#) && all.body.contains("touché."))
        #expect(!all.body.contains("onerror"))
        #expect(all.body.contains("mots relevés : « CHU » (titre)"), "which words the rules matched, and where")
        #expect(await browser.get("/queue?state=all&source=elsewhere").body.contains("(0 élément)"))
        #expect(await browser.get("/queue?state=all&urgency=urgent").body.contains("(0 élément)"))
        #expect(await browser.get("/queue?state=all&lang=en").body.contains("(0 élément)"))
        // What the policy rejected alone is a view of its own; an editor's rejection is not in it.
        let csrf = try #require(Browser.csrf(all.body))
        #expect(await browser.post("/items/2/reject", ["csrf": csrf, "version": "1"]).status == 303)
        let byPolicy = await browser.get("/queue?state=policy-rejected")
        #expect(byPolicy.body.contains("(0 élément)") && byPolicy.body.contains(">écartés par la politique</option>"))
        // A new item scored below the policy's floor: rejected without an editor.
        _ = try store.upsertItems(sourceID: "s", [ParsedItem(id: "3", title: "Promotion d'un salon", link: "https://example.org/3")])
        try store.saveClassifications(try store.itemsToTag(rulesFingerprint: "r").map {
            ($0, Classification(score: 0.01, health: false, evidence: [], cves: []))
        })
        try store.applyCurationPolicy(CurationPolicy())
        let policyView = await browser.get("/queue?state=policy-rejected")
        #expect(policyView.body.contains("(1 élément)") && policyView.body.contains("Promotion d&#39;un salon"), "the item the policy rejected")
        withExtendedLifetime(store) {}
    }

    @Test func aRejectionCarriesAReasonFromTheListOrTheEditorsOwnWords() async throws {
        let (base, store, stop) = try await startDesk { $0.rejectionReasons = ["doublon", "hors du périmètre santé"] }
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let page = await browser.get("/items/2")
        #expect(page.body.contains("<option>hors du périmètre santé</option>") && page.body.contains(#"name="reason_other""#))
        let csrf = try #require(Browser.csrf(page.body))
        #expect(await browser.post("/items/2/reject", ["csrf": csrf, "version": "1", "reason": "doublon"]).status == 303)
        #expect(try store.curation(itemID: 2).rejectionReason == "doublon")
        #expect(await browser.get("/items/2").body.contains("(motif : doublon)"))
        #expect(await browser.post("/items/1/reject", ["csrf": csrf, "version": "1", "reason": "doublon", "reason_other": "déjà traité hier"]).status == 303)
        #expect(try store.curation(itemID: 1).rejectionReason == "déjà traité hier", "their own words win")
    }

    @Test func aConflictSpeaksFrenchAndItsRetryCarriesTheSameChange() async throws {
        let (base, store, stop) = try await startDesk { $0.rejectionReasons = ["doublon"] }
        defer { stop() }
        let alice = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        let aliceCSRF = try #require(Browser.csrf(await alice.get("/items/2").body))
        let bobCSRF = try #require(Browser.csrf(await bob.get("/items/2").body))
        #expect(await alice.post("/items/2/select", ["csrf": aliceCSRF, "version": "1"]).status == 303)
        let conflict = await bob.post("/items/2/reject", ["csrf": bobCSRF, "version": "1", "reason": "doublon"])
        #expect(conflict.status == 409)
        #expect(conflict.body.contains("Votre action « rejeter »") && conflict.body.contains("<dt>motif</dt><dd>doublon</dd>"))
        #expect(conflict.body.contains(#"<input type="hidden" name="reason" value="doublon">"#), "the retry carries the reason")
        #expect(await bob.post("/items/2/reject", ["csrf": bobCSRF, "version": "2", "reason": "doublon"]).status == 303)
        #expect(try store.curation(itemID: 2).rejectionReason == "doublon")
    }

    @Test func aSecondEditorGetsAConflictWithBothVersions() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let alice = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        // Both open item 2 at version 1.
        let alicePage = await alice.get("/items/2"), bobPage = await bob.get("/items/2")
        #expect(alicePage.body.contains("version 1") && bobPage.body.contains("version 1"))
        let aliceCSRF = try #require(Browser.csrf(alicePage.body)), bobCSRF = try #require(Browser.csrf(bobPage.body))
        #expect(await alice.post("/items/2/edit", ["csrf": aliceCSRF, "version": "1", "title": "Titre d'Alice", "note": ""]).status == 303)
        let conflict = await bob.post("/items/2/edit", ["csrf": bobCSRF, "version": "1", "title": "Titre de Bob", "note": ""])
        #expect(conflict.status == 409)
        #expect(conflict.body.contains("Titre de Bob"), "the second editor's version is shown")
        #expect(conflict.body.contains("Titre d&#39;Alice") || conflict.body.contains("Titre d'Alice"), "and the stored one")
        #expect(try store.curation(itemID: 2).titleOverride == "Titre d'Alice", "never a silent overwrite")
    }

    @Test func repeatedWrongPasswordsAreRateLimited() async throws {
        let (base, _, stop) = try await startDesk { $0.failedLoginsPerUserAndClient = 3 }
        defer { stop() }
        let browser = Browser(base: base)
        for _ in 0..<3 { #expect(await signIn(browser, "alice", "wrong password").status == 401) }
        let limited = await signIn(browser, "alice", "alice's long password")
        #expect(limited.status == 429, "even the right password waits, from the client that has been failing")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
        #expect(await signIn(browser, "bob", "bob's long password!").status == 303, "other editors are not locked out")
    }

    @Test func aLoginWithoutItsFormTokenIsRefused() async throws {
        let (base, _, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        let page = await browser.post("/login", ["username": "alice", "password": "alice's long password", "csrf": "forged"])
        #expect(page.status == 403)
        #expect(browser.cookies["cv_session"] == nil)
    }
}
