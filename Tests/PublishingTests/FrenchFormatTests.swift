import Foundation
import Model
import Testing

@testable import Publishing

/// French as a public service writes it, for the site and the desk.
@Suite struct FrenchFormatTests {
    let paris = FrenchFormat(timeZone: TimeZone(identifier: "Europe/Paris")!)

    @Test func datesInWordsInTheSitesTimeZone() {
        // 2026-12-07 13:10 UTC is 14 h 10 in Paris; 2026-11-30 23:30 UTC is already 1 December there.
        #expect(paris.dateTime(Date(timeIntervalSince1970: 1_796_649_000)) == "7 décembre 2026 à 14 h 10")
        #expect(paris.day(Date(timeIntervalSince1970: 1_796_081_400)) == "1er décembre 2026")
        #expect(paris.dateTime(Date(timeIntervalSince1970: 1_796_634_300)) == "7 décembre 2026 à 10 h 05")
    }

    @Test func numbersWithADecimalCommaAndThinSpaces() {
        #expect(FrenchFormat.decimal(0.8449, digits: 2) == "0,84")
        #expect(FrenchFormat.integer(12_345) == "12\u{202F}345")
        #expect(FrenchFormat.integer(999) == "999")
        #expect(FrenchFormat.integer(1_000_000) == "1\u{202F}000\u{202F}000")
    }

    @Test func pluralsAsFrenchHasThem() {
        #expect(FrenchFormat.count(0, "élément", "éléments") == "0 élément")
        #expect(FrenchFormat.count(1, "élément", "éléments") == "1 élément")
        #expect(FrenchFormat.count(2, "élément", "éléments") == "2 éléments")
    }

    @Test func everyStateOfTheWorkflowHasItsFrenchWord() {
        #expect(CurationStatus.allCases.map(FrenchFormat.state) == ["nouveau", "en file", "sélectionné", "rejeté", "publié"])
        #expect(FrenchFormat.action("rejected") == "rejeté" && FrenchFormat.action("pin") == "épinglé")
    }
}
