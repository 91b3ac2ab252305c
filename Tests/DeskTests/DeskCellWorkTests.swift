import Curation
import Desk
import Dispatch
import Foundation
import Model
import Storage
import TestSupport
import Testing

/// The cell's work beyond items, in the desk: alerts, declared incidents, « Publier maintenant ».
@Suite(.serialized) struct DeskCellWorkTests {
    @Test func anAlertsAuthorCannotApproveItASecondEditorApprovesAndPublishesWithAnEmbargo() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let alice = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        let list = await alice.get("/alerts")
        #expect(list.status == 200 && list.body.contains("Aucune alerte."))
        let csrf = try #require(Browser.csrf(list.body))
        let written = await alice.post("/alerts/new", ["csrf": csrf, "title": "Hameçonnage visant les GHT", "severity": "high",
                                                     "summary": "Des courriels **piégés** <script>x</script>", "measures": ""])
        #expect(written.status == 303)
        let path = try #require(written.headers["location"])
        let id = String(path.dropFirst("/alerts/".count))
        let own = await alice.get(path)
        #expect(own.body.contains("Vous avez écrit cette version") && !own.body.contains("/approve\""))
        #expect(own.body.contains("<strong>piégés</strong>") && !own.body.contains("<script>x"), "Markdown, sanitized")
        #expect(own.body.contains("brouillon") && own.body.contains("à approuver") && own.body.contains("élevée"))
        let refused = await alice.post("\(path)/approve", ["csrf": csrf, "version": "1"])
        #expect(refused.status == 400 && refused.body.contains("un autre éditeur doit l&#39;approuver"))
        #expect(try store.alert(id: id)?.approvedBy == nil)

        let bobCSRF = try #require(Browser.csrf(await bob.get(path).body))
        #expect(await bob.post("\(path)/approve", ["csrf": bobCSRF, "version": "1"]).status == 303)
        // A page seen before the approval is stale: nothing is overwritten.
        let stale = await alice.post("\(path)/close", ["csrf": csrf, "version": "1"])
        #expect(stale.status == 409 && stale.body.contains("a changé entre-temps"))
        let bad = await bob.post("\(path)/publish", ["csrf": bobCSRF, "version": "2", "embargo": "demain matin"])
        #expect(bad.status == 400 && bad.body.contains("n&#39;est pas une date"))
        #expect(await bob.post("\(path)/publish", ["csrf": bobCSRF, "version": "2", "embargo": "2026-12-08T09:00"]).status == 303)
        let published = try #require(try store.alert(id: id))
        #expect(published.status == .published && published.approvedBy == "bob")
        #expect(published.embargoUntil == ISO8601DateFormatter().date(from: "2026-12-08T08:00:00Z"), "09:00 in Paris, in winter")
        let page = await bob.get(path)
        #expect(page.body.contains("sous embargo jusqu&#39;au 8 décembre 2026 à 9 h 00") || page.body.contains("sous embargo jusqu'au 8 décembre 2026 à 9 h 00"))
        #expect(page.body.contains("bob : approuvée") && page.body.contains("publiée sous embargo jusqu"))

        // Bob changes the published alert: the change waits for someone else's approval.
        let changed = await bob.post("\(path)/edit", ["csrf": bobCSRF, "version": "3", "title": "Hameçonnage visant les GHT (mise à jour)",
                                                    "severity": "critical", "summary": "Des courriels piégés.", "measures": "Bloquer l'expéditeur."])
        #expect(changed.status == 303)
        let pending = try #require(try store.alert(id: id))
        #expect(pending.hasPendingChanges && pending.author == "bob" && pending.published?.title == "Hameçonnage visant les GHT")
        #expect(await bob.post("\(path)/approve", ["csrf": bobCSRF, "version": "4"]).status == 400)
        #expect(await alice.post("\(path)/approve", ["csrf": csrf, "version": "4"]).status == 303)
    }

    @Test func incidentsAreListedWithoutTheirPrivateFieldsQualifiedAndClosed() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let declared = ISO8601DateFormatter().date(from: "2026-11-20T10:00:00Z")!
        _ = try store.importIncidents([
            IncidentDeclaration(id: "D-1", declaredAt: declared, occurredAt: nil, structureType: .chu, region: "28", nature: .inconnu,
                                category: .autre, careDisrupted: true, healthDataAffected: false, supportRequested: true,
                                unavailabilityHours: 12.5, cves: [], products: [], structureName: "CHU Secret", description: "Messagerie chiffrée"),
        ], actor: "test")
        let browser = Browser(base: base)
        #expect(await browser.get("/incidents").status == 303, "signed-in users only")
        #expect(await browser.get("/incidents/D-1").status == 303)
        _ = await signIn(browser, "alice", "alice's long password")
        let list = await browser.get("/incidents?status=received&region=28")
        #expect(list.body.contains(">D-1</a>") && list.body.contains("Normandie") && list.body.contains("20 novembre 2026 à 11 h 00"))
        #expect(!list.body.contains("CHU Secret") && !list.body.contains("Messagerie"), "private fields stay on the declaration's page")
        #expect(!(await browser.get("/incidents?status=closed").body.contains(">D-1</a>")))
        let page = await browser.get("/incidents/D-1")
        #expect(page.body.contains("CHU Secret") && page.body.contains("Messagerie chiffrée") && page.body.contains("12,5 h"))
        #expect(page.body.contains("reçue") && !page.body.contains("/support\""), "support opens once qualified")
        let csrf = try #require(Browser.csrf(page.body))
        #expect(await browser.post("/incidents/D-1/qualify", ["csrf": "0000", "category": "rançongiciel"]).status == 403)
        #expect(await browser.post("/incidents/D-1/close", ["csrf": csrf]).status == 400, "closing waits for the qualification")
        #expect(await browser.post("/incidents/D-1/qualify", ["csrf": csrf, "nature": "malveillant", "category": "rançongiciel",
                                                            "note": "rappel de la structure"]).status == 303)
        #expect(await browser.post("/incidents/D-1/support", ["csrf": csrf, "note": ""]).status == 303)
        #expect(await browser.post("/incidents/D-1/close", ["csrf": csrf, "note": "restauré"]).status == 303)
        let stored = try #require(try store.incident(id: "D-1"))
        #expect(stored.status == .closed && stored.qualifiedCategory == .rancongiciel && stored.qualifiedNature == .malveillant)
        #expect(stored.steps.map(\.step).suffix(3) == [.qualified, .support, .closed] && stored.steps.suffix(3).allSatisfy { $0.actor == "alice" })
        let closed = await browser.get("/incidents/D-1")
        #expect(closed.body.contains("(qualifiée : rançongiciel)") && closed.body.contains("alice : qualifiée (« rappel de la structure »)"))
    }

    @Test func publishingFromTheDeskRunsOneAtATimeAndShowsTheOutcome() async throws {
        let release = DispatchSemaphore(value: 0)
        let runs = Counter()
        let (base, _, stop) = try await startDesk(publish: {
            runs.add()
            release.wait()
            return DeskPublicationReport(pagesWritten: 1234, pagesReused: 1, alertsChanged: 0, outputDirectory: nil)
        })
        defer { stop() }
        let alice = Browser(base: base), bob = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        _ = await signIn(bob, "bob", "bob's long password!")
        let page = await alice.get("/publish")
        #expect(page.body.contains("Publier maintenant"))
        let csrf = try #require(Browser.csrf(page.body)), bobCSRF = try #require(Browser.csrf(await bob.get("/publish").body))
        async let first = alice.post("/publish", ["csrf": csrf])
        // Bob presses while Alice's publication runs: refused, not queued behind it.
        while runs.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let second = await bob.post("/publish", ["csrf": bobCSRF])
        #expect(second.status == 409 && second.body.contains("déjà en cours") && second.body.contains("lancée par alice"))
        release.signal()
        let done = await first
        #expect(done.status == 200 && done.body.contains("Le site est publié."))
        #expect(done.body.contains("1\u{202F}234 pages écrites, 1 page inchangée, 0 alerte changée"))
        #expect(runs.value == 1)
        #expect(await alice.post("/publish", ["csrf": "0000"]).status == 403)
    }
}

extension DeskCellWorkTests {
    @Test func anAdministratorAddsAnEditorResetsAPasswordAndDisablesAnAccount() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        try Editors(store: store, cost: 4).add("root", role: .admin, password: "root's long password", actor: "test")
        let root = Browser(base: base), alice = Browser(base: base)
        _ = await signIn(alice, "alice", "alice's long password")
        #expect(await alice.get("/users").status == 403, "administrators only")
        _ = await signIn(root, "root", "root's long password")
        let page = await root.get("/users")
        #expect(page.status == 200 && page.body.contains("<td>alice</td><td>éditeur</td>") && page.body.contains("<td>root</td><td>administrateur</td>"))
        let csrf = try #require(Browser.csrf(page.body))
        let aliceCSRF = try #require(Browser.csrf(await alice.get("/queue").body))
        #expect(await alice.post("/users/bob/disable", ["csrf": aliceCSRF]).status == 403)

        let short = await root.post("/users/new", ["csrf": csrf, "name": "carol", "role": "editor", "password": "court"])
        #expect(short.status == 400 && short.body.contains("au moins 12 caractères"))
        let added = await root.post("/users/new", ["csrf": csrf, "name": "carol", "role": "editor", "password": "carol's long password"])
        #expect(added.status == 200 && added.body.contains("« carol » peut se connecter"))
        #expect(await signIn(Browser(base: base), "carol", "carol's long password").status == 303)

        // Disabled: alice's open session ends, and her password no longer signs her in.
        #expect(await root.post("/users/alice/disable", ["csrf": csrf]).status == 200)
        #expect(await alice.get("/queue").status == 303)
        #expect(await signIn(Browser(base: base), "alice", "alice's long password").status == 401)
        #expect(await root.get("/users").body.contains("désactivé le"))
        #expect(await root.post("/users/root/disable", ["csrf": csrf]).status == 400, "not one's own account")
        #expect(await root.post("/users/alice/enable", ["csrf": csrf]).status == 200)
        #expect(await root.post("/users/alice/password", ["csrf": csrf, "password": "alice's new long password"]).status == 200)
        #expect(await signIn(Browser(base: base), "alice", "alice's long password").status == 401)
        #expect(await signIn(Browser(base: base), "alice", "alice's new long password").status == 303)
        #expect(try store.auditLog(limit: 20).filter { $0.actor == "root" }.map(\.action)
                == ["user-password", "user-enable", "user-disable", "user-add"])
    }
}

extension DeskCellWorkTests {
    @Test func thePreviewIsTheRenderedSiteServedToEditorsOnly() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cv-preview-\(UUID().uuidString)")
        let folder = scratch.appendingPathComponent("site").path
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: scratch.appendingPathComponent("outside.txt"))
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (base, _, stop) = try await startDesk(configure: { $0.previewDirectory = folder }, preview: { folder in
            let manager = FileManager.default
            try manager.createDirectory(atPath: folder + "/alertes", withIntermediateDirectories: true)
            try Data("<!DOCTYPE html><title>Veille</title><h1>Édition du jour</h1>".utf8).write(to: URL(fileURLWithPath: folder + "/index.html"))
            try Data("<h1>Alertes</h1>".utf8).write(to: URL(fileURLWithPath: folder + "/alertes/index.html"))
            try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/.manifest"))
            try? manager.createSymbolicLink(atPath: folder + "/leak.txt", withDestinationPath: "../outside.txt")
            return DeskPublicationReport(pagesWritten: 2, pagesReused: 0, alertsChanged: 0, outputDirectory: folder)
        })
        defer { stop() }
        let browser = Browser(base: base)
        #expect(await browser.get("/preview/site/index.html").status == 303, "editors only")
        _ = await signIn(browser, "alice", "alice's long password")
        let page = await browser.get("/preview")
        #expect(page.body.contains("Voir le site tel qu&#39;il sera publié") || page.body.contains("Voir le site tel qu'il sera publié"))
        let csrf = try #require(Browser.csrf(page.body))
        let rendered = await browser.post("/preview/site", ["csrf": csrf])
        #expect(rendered.status == 303 && rendered.headers["location"] == "/preview/site/index.html")
        let home = await browser.get("/preview/site/index.html")
        #expect(home.status == 200 && home.body.contains("Édition du jour") && home.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(await browser.get("/preview/site/alertes/").body.contains("<h1>Alertes</h1>"))
        #expect(await browser.get("/preview/site/.manifest").status == 404)
        #expect(await browser.get("/preview/site/leak.txt").status == 404, "a link out of the folder")
        #expect(await browser.get("/preview/site/%2E%2E/outside.txt").status == 404)
        #expect(await browser.get("/preview/site/nothing.html").status == 404)
    }
}

final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
