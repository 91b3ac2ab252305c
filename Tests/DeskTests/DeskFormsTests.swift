import Foundation
import Hummingbird
import TestSupport
import Testing

@testable import Desk

/// Form posts decoded by Hummingbird's decoder into the desk's form types.
@Suite struct DeskFormsTests {
    let decoder = URLEncodedFormDecoder()

    @Test func decodesPlusPercentUTF8AndMissingFields() throws {
        let form = try decoder.decode(ItemActionForm.self, from: "csrf=3f&version=4&note=Relu+par+l%27%C3%A9quipe+%C3%A0+100%25&title=")
        #expect(form.csrf == "3f" && form.version == "4" && form.note == "Relu par l'équipe à 100%" && form.title == "")
        #expect(form.reason == nil && form.change == ["note": "Relu par l'équipe à 100%", "title": ""])
    }

    @Test func readsTheMarkedRowsAsAnArray() throws {
        let form = try decoder.decode(BulkActionForm.self, from: "csrf=a&action=reject&item%5B%5D=12%3A3&item[]=13%3A1&reason=doublon")
        #expect(form.item == ["12:3", "13:1"] && form.shown == nil && form.action == "reject" && form.reason == "doublon")
    }

    @Test func refusesWhatNoBrowserSends() {
        // A stray `%` (a browser sends %25), a name given twice without brackets.
        #expect(throws: (any Error).self) { try decoder.decode(ItemActionForm.self, from: "note=taux+100%") }
        #expect(throws: (any Error).self) { try decoder.decode(ItemActionForm.self, from: "note=a&note=b") }
    }

    @Test func theDeskAnswersAnUnreadableFormWith400AndChangesNothing() async throws {
        let (base, store, stop) = try await startDesk()
        defer { stop() }
        let browser = Browser(base: base)
        _ = await signIn(browser, "alice", "alice's long password")
        let csrf = try #require(Browser.csrf(await browser.get("/items/2").body))
        let odd = await browser.post("/items/2/edit", pairs: [("csrf", csrf), ("version", "1"), ("note", "a"), ("note", "b")])
        #expect(odd.status == 400 && odd.body.contains("Formulaire illisible"))
        #expect(try store.curation(itemID: 2).note == nil)
        #expect(await browser.post("/items/2/edit", pairs: [("csrf", csrf), ("version", "1"), ("note", "taux 100 %")]).status == 303)
        #expect(try store.curation(itemID: 2).note == "taux 100 %")
    }
}
