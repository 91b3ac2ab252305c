import Config
import Foundation
import Model
import Testing

@testable import Tagging

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The bundled rules, as the daily run reads them.
private let bundled: Classifier = {
    let taxonomy = try! Taxonomy.load(path: root.appendingPathComponent("Feeds/tagging.toml").path)
    let urgency = try! UrgencyRules.load(path: root.appendingPathComponent("Feeds/urgency.toml").path)
    return Classifier(taxonomy: taxonomy, urgencyRules: urgency)
}()

/// One case of Tests/TaggingTests/Fixtures/urgency-cases.jsonl: written for this project to the
/// definition of docs/urgency.md (exploited flaws in commonly run products, campaigns using a
/// flaw; and what a health watch leaves out).
private struct UrgencyCase: Decodable, CustomTestStringConvertible {
    var id: String
    var lang: String
    var expect: String
    var title: String
    var summary: String
    /// CVEs of the KEV catalog, as facts the store would give.
    var kev: [String]?
    var testDescription: String { "\(id): \(title)" }
}

private let cases: [UrgencyCase] = {
    let url = root.appendingPathComponent("Tests/TaggingTests/Fixtures/urgency-cases.jsonl")
    let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").map { try! JSONDecoder().decode(UrgencyCase.self, from: Data($0.utf8)) }
}()

@Suite struct UrgencyTests {
    @Test func theCaseSetIsLargeEnoughInBothLanguages() {
        let urgent = cases.filter { $0.expect == "urgent" }
        let routine = cases.filter { $0.expect == "routine" }
        #expect(urgent.count >= 20)
        #expect(routine.count >= 20)
        #expect(Set(urgent.map(\.lang)) == ["fr", "en"])
        #expect(Set(routine.map(\.lang)) == ["fr", "en"])
    }

    @Test(arguments: cases) fileprivate func judgesEachCase(_ item: UrgencyCase) {
        let facts = UrgencyFacts(knownExploitedCVEs: Set(item.kev ?? []), listedCVEs: item.kev ?? [])
        let result = bundled.classify(title: item.title, summary: item.summary, content: "", facts: facts)
        if item.expect == "urgent" {
            #expect(result.urgency == .urgent, "reasons: \(result.urgencyReasons.map(\.explanationFR))")
            #expect(result.urgencyReasons.contains { $0.kind == .product || $0.kind == .healthProduct })
        } else {
            #expect(result.urgency != .urgent, "reasons: \(result.urgencyReasons.map(\.explanationFR))")
        }
    }

    @Test func theDemoVPNItemsAreUrgentWithTheirReasons() {
        let news = bundled.classify(
            title: "NetGarde SSL VPN zero-day CVE-2026-43310 exploited in the wild",
            summary: "<p>An authentication bypass in NetGarde SSL VPN gateways has been exploited in the wild. Patches are available in version 11.2.7.</p>",
            content: "")
        #expect(news.urgency == .urgent)
        #expect(news.urgencyReasons.first { $0.kind == .exploited }?.matchedText == "exploited in the wild")
        #expect(news.urgencyReasons.first { $0.kind == .product }?.matchedText == "SSL VPN")
        #expect(news.urgencyReasons.contains { $0.kind == .fix })
        #expect(!news.health, "no health word: urgent, not health-relevant")
    }

    @Test func negationAndConditionalWordsAreNotExploitation() {
        for text in ["Critical Fortinet FortiOS flaw could be exploited remotely, no known exploitation",
                     "Une vulnérabilité de FortiOS pourrait être exploitée par un attaquant ; aucune exploitation connue à ce jour"] {
            let result = bundled.classify(title: text, summary: "", content: "")
            #expect(result.urgency != .urgent, "\(text)")
            #expect(!result.urgencyReasons.contains { $0.kind == .exploited && !text.contains($0.matchedText) })
        }
    }

    @Test func aKnownExploitedCVEIsAFactTheTextNeedNotSay() {
        let text = (title: "Multiples vulnérabilités dans Microsoft Windows", summary: "Corrigées par les mises à jour de décembre (CVE-2026-20001).")
        let without = bundled.classify(title: text.title, summary: text.summary, content: "")
        let with = bundled.classify(title: text.title, summary: text.summary, content: "",
                                    facts: UrgencyFacts(knownExploitedCVEs: ["CVE-2026-20001"]))
        #expect(without.urgency == .normal)
        #expect(with.urgency == .urgent)
        #expect(with.urgencyReasons.first == UrgencyReason(kind: .knownExploited, ruleID: "kev", matchedText: "CVE-2026-20001", field: "facts"))
    }

    @Test func aMatchedSpanIsBounded() {
        let title = "VPN" + String(repeating: " -", count: 5000) + " exploited"
        let result = bundled.classify(title: "SSL" + String(repeating: "!", count: 10_000) + "VPN zero-day exploited in the wild", summary: "", content: "")
        #expect(result.urgencyReasons.allSatisfy { $0.matchedText.count <= UrgencyAssessor.maxMatchedText })
        #expect(bundled.classify(title: title, summary: "", content: "").urgency == .urgent)
    }

    @Test func exploitationOutsideCommonProductsIsOnlyHigh() {
        let result = bundled.classify(title: "Critical flaw in a WordPress form plugin exploited in attacks", summary: "", content: "")
        #expect(result.urgency == .high)
    }

    @Test func aCERTFRAlertReferenceCounts() {
        #expect(UrgencyAssessor.certFRAlertReference(in: "https://www.cert.ssi.gouv.fr/alerte/CERTFR-2026-ALE-007/") == "CERTFR-2026-ALE-007")
        #expect(UrgencyAssessor.certFRAlertReference(in: "CERTFR-2026-AVI-0007") == nil)
        #expect(UrgencyAssessor.certFRAlertReference(in: "alerte certfr-2026-ale-12 : Ivanti") == "CERTFR-2026-ALE-12")
        #expect(UrgencyAssessor.certFRAlertReference(in: "CERTFR-26-ALE-1, CERTFR-2026-ALE-") == nil)
        #expect(UrgencyAssessor.certFRAlertReference(in: "é CERTFR-2025-ALE-003") == "CERTFR-2025-ALE-003")
        let result = bundled.classify(title: "Vulnérabilité dans Ivanti Connect Secure", summary: "", content: "",
                                      facts: UrgencyFacts(references: ["https://www.cert.ssi.gouv.fr/alerte/CERTFR-2026-ALE-007/"]))
        #expect(result.urgency == .urgent)
    }

    @Test func aTermInTwoRulesIsAnErrorNamingTheFileAndLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("urgency-\(UUID().uuidString).toml").path
        try """
        [[product]]
        id = "vpn"
        terms = ["VPN"]

        [[signal]]
        id = "x"
        kind = "exploited"
        terms = ["exploited", "vpn"]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigurationError.self) { try UrgencyRules.load(path: path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains(":5") == true)
        #expect(error?.description.contains("already a term of \"vpn\"") == true)
    }

    @Test func anUnknownSignalKindIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("urgency-\(UUID().uuidString).toml").path
        try "[[product]]\nid = \"vpn\"\nterms = [\"VPN\"]\n[[signal]]\nid = \"x\"\nkind = \"scary\"\nterms = [\"boo\"]\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: ConfigurationError.self) { try UrgencyRules.load(path: path) }
        #expect(error?.description.contains("unknown kind \"scary\"") == true)
    }
}

@Suite struct SecuritySubjectTests {
    @Test func healthNewsWithoutASecuritySubjectIsNotForTheWatch() {
        for title in ["L'hôpital de Gaza privé d'électricité, les patients évacués",
                      "Health insurers report record quarterly profits as hospital admissions rise",
                      "Le centre hospitalier inaugure un nouveau service de cardiologie"] {
            let result = bundled.classify(title: title, summary: "", content: "")
            #expect(!result.health, "\(title)")
            #expect(result.evidence.contains { $0.ruleID == Classifier.noSubjectRuleID })
        }
    }

    @Test func aSecurityItemAboutAHealthOrganisationStillIs() {
        for title in ["Le centre hospitalier de Rouen victime d'une cyberattaque",
                      "Hospital network discloses data breach affecting 40,000 patients",
                      "Fuite de données de santé chez un laboratoire"] {
            let result = bundled.classify(title: title, summary: "", content: "")
            #expect(result.health, "\(title)")
        }
    }

    @Test func aTaggedRuleThatIsAlsoASubjectKeepsItsTag() {
        let result = bundled.classify(title: "Cyberattaque : fuite de données de santé chez un laboratoire", summary: "", content: "")
        #expect(result.tagIDs.contains("donnees-sante"))
    }

    @Test func aMaskedLookAlikeIsNoSubject() {
        let result = bundled.classify(title: "Hospital study: heart attack patients recover faster with new protocol", summary: "", content: "")
        #expect(!result.health)
    }
}

@Suite struct UrgencyOrderTests {
    @Test func everyKindHasItsPlaceInTheOrderOfReasons() {
        #expect(Set(UrgencyAssessor.kinds) == Set(UrgencyReason.Kind.allCases))
        #expect(UrgencyAssessor.kinds.count == UrgencyReason.Kind.allCases.count)
        #expect(UrgencyAssessor.kinds.enumerated().allSatisfy { UrgencyAssessor.slot($1) == $0 })
    }
}
