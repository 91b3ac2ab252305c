import Foundation
import Model
import Storage
import TestSupport
import Testing

/// Actions on many items at once, and the JSON answers desk.js changes rows with.
@Suite(.serialized) struct DeskBulkActionTests {
    func results(_ page: Browser.Page) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
        return try #require(object?["results"] as? [[String: Any]])
    }

    @Test func markedItemsAreRejectedWithOneReasonEachAgainstItsOwnVersion() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let alice = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        let csrf = try #require(Browser.csrf(await alice.get("/queue").body))
        let bobCSRF = try #require(Browser.csrf(await bob.get("/queue").body))
        // Bob changes item 2 first: Alice's bulk rejection, made from version 1, leaves it alone.
        #expect(await bob.post("/items/2/select", ["csrf": bobCSRF, "version": "1"]).status == 303)
        let reply = await alice.post("/items/bulk", pairs: [("csrf", csrf), ("action", "reject"), ("reason", "doublon"),
                                                            ("item[]", "1:1"), ("item[]", "2:1")], json: true)
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.hasPrefix("application/json") == true)
        let outcomes = try results(reply)
        #expect(outcomes.count == 2)
        #expect(outcomes[0]["ok"] as? Bool == true && outcomes[0]["state"] as? String == "rejected"
                && outcomes[0]["state_label"] as? String == "rejeté" && outcomes[0]["reason"] as? String == "doublon"
                && outcomes[0]["version"] as? Int == 2)
        #expect(outcomes[1]["ok"] as? Bool == false && outcomes[1]["conflict"] as? Bool == true && outcomes[1]["state"] as? String == "selected")
        #expect((outcomes[1]["message"] as? String)?.contains("a changé entre-temps") == true)
        #expect(try store.curation(itemID: 1).status == .rejected && store.curation(itemID: 1).rejectionReason == "doublon")
        #expect(try store.curation(itemID: 2).status == .selected, "never a silent overwrite")
        // Audited exactly as one at a time: one entry for the one item that changed.
        #expect(try store.auditLog(limit: 20).filter { $0.actor == "alice" }.map(\.action) == ["rejected"])
    }

    @Test func withoutScriptABulkPostComesBackToTheQueueOrListsWhatDidNotChange() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let queue = await browser.get("/queue?state=queued&sort=date")
        #expect(queue.body.contains(#"name="shown[]" value="1:1""#) && queue.body.contains(#"form="bulk""#))
        let csrf = try #require(Browser.csrf(queue.body))
        // « tout ce qui est affiché »: every row of the page, marked or not.
        let all = await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "select"), ("scope", "shown"),
                                                          ("shown[]", "1:1"), ("shown[]", "2:1"), ("return", "/queue?state=queued&sort=date")])
        #expect(all.status == 303 && all.headers["location"] == "/queue?state=queued&sort=date")
        #expect(try store.curation(itemID: 1).status == .selected && store.curation(itemID: 2).status == .selected)
        // A stale version: a page that says which item did not change, and why, in French.
        let stale = await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "queue"), ("item[]", "1:2"), ("item[]", "2:1")])
        #expect(stale.status == 409)
        #expect(stale.body.contains("1 élément traité") && stale.body.contains(#"<a href="/items/2">Élément 2</a>"#))
        #expect(try store.curation(itemID: 1).status == .queued && store.curation(itemID: 2).status == .selected)
    }

    @Test func aBulkPostNeedsTheSessionsTokenAKnownActionAndItems() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        #expect(await browser.post("/items/bulk", pairs: [("action", "reject"), ("item[]", "1")], json: true).status == 401)
        _ = await signIn(browser, "alice", "alice's long password")
        let csrf = try #require(Browser.csrf(await browser.get("/queue").body))
        let forged = await browser.post("/items/bulk", pairs: [("csrf", "0000"), ("action", "reject"), ("item[]", "1:1")], json: true)
        #expect(forged.status == 403 && forged.body.contains("Jeton CSRF"))
        #expect(await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "edit"), ("item[]", "1:1")]).status == 400)
        #expect(await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "reject")]).status == 400)
        let tooMany = (1...501).map { ("item[]", "\($0)") }
        #expect(await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "reject")] + tooMany).status == 400)
        #expect(try store.curation(itemID: 1).status == .queued)
        // A move the workflow refuses is that item's outcome, in French.
        let pinned = await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "reject"), ("item[]", "1:1")], json: true)
        #expect(try results(pinned)[0]["ok"] as? Bool == true)
        let refused = try results(await browser.post("/items/bulk", pairs: [("csrf", csrf), ("action", "pin"), ("item[]", "1:2")], json: true))
        #expect(refused[0]["ok"] as? Bool == false && (refused[0]["message"] as? String)?.contains("sélectionnez-le avant de l'épingler") == true)
    }

    @Test func oneItemsActionAnswersJSONWhenAsked() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let csrf = try #require(Browser.csrf(await browser.get("/items/2").body))
        let edited = await browser.post("/items/2/edit", pairs: [("csrf", csrf), ("version", "1"), ("title", "Titre revu"), ("note", "")], json: true)
        #expect(edited.status == 200 && edited.body.contains(#""version":2"#))
        #expect(try store.curation(itemID: 2).titleOverride == "Titre revu")
        let stale = await browser.post("/items/2/select", pairs: [("csrf", csrf), ("version", "1")], json: true)
        #expect(stale.status == 409 && stale.body.contains(#""conflict":true"#))
    }
}
