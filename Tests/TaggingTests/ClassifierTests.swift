import Config
import Foundation
import Model
import Testing

@testable import Tagging

private let taxonomy = Taxonomy(
    threshold: 0.5,
    tags: [
        TagDefinition(id: "hopital", group: "secteur", labelFR: "Hôpitaux", labelEN: "Hospitals"),
        TagDefinition(id: "sante", group: "secteur", labelFR: "Santé", labelEN: "Health"),
        TagDefinition(id: "ris", group: "technologie", labelFR: "RIS", labelEN: "RIS"),
        TagDefinition(id: "rancongiciel", group: "menace", labelFR: "Rançongiciel", labelEN: "Ransomware"),
    ],
    rules: [
        .init(id: "secteur.hopital", tagID: "hopital", weight: 0.7, terms: ["hôpital", "hôpitaux", "centre hospitalier"], caseSensitive: false),
        .init(id: "secteur.sante", tagID: "sante", weight: 0.35, terms: ["santé", "health"], caseSensitive: false),
        .init(id: "tech.ris", tagID: "ris", weight: 0.45, terms: ["RIS"], caseSensitive: true),
        .init(id: "menace.rancongiciel", tagID: "rancongiciel", weight: 0, terms: ["rançongiciel", "ransomware"], caseSensitive: false),
        .init(id: "faux-ami.sante-financiere", tagID: nil, weight: -0.5, terms: ["santé financière", "health check"], caseSensitive: false),
    ])

@Suite struct ClassifierTests {
    let classifier = Classifier(taxonomy: taxonomy)

    @Test func tagsHealthItemsWithEvidence() {
        let result = classifier.classify(title: "Un CENTRE HOSPITALIER frappé par un rancongiciel", summary: "", content: "")
        #expect(result.health)
        #expect(result.score == 0.7)
        #expect(result.tagIDs == ["hopital", "rancongiciel"])
        #expect(result.evidence.first == TagEvidence(tagID: "hopital", ruleID: "secteur.hopital", matchedText: "CENTRE HOSPITALIER", field: "title"))
    }

    @Test func combinesWeightsAsNoisyOr() {
        let result = classifier.classify(title: "Santé", summary: "<p>Les <b>hôpitaux</b></p>", content: "")
        #expect(abs(result.score - (1 - 0.65 * 0.3)) < 0.001)
        #expect(result.evidence.map(\.field) == ["title", "summary"])
    }

    @Test func falseFriendsMaskTheTermTheyContain() {
        let result = classifier.classify(title: "La santé financière de l'éditeur", summary: "", content: "")
        #expect(!result.health)
        #expect(result.score == 0)
        #expect(!result.tagIDs.contains("sante"))
    }

    @Test func matchesWholeWordsOnly() {
        #expect(classifier.classify(title: "hospitality and healthy", summary: "", content: "").evidence.isEmpty)
    }

    @Test func respectsCaseForAmbiguousAcronyms() {
        #expect(classifier.classify(title: "Faille dans un RIS", summary: "", content: "").tagIDs == ["ris"])
        #expect(classifier.classify(title: "du ris de veau", summary: "", content: "").tagIDs.isEmpty)
    }

    @Test func aWeakHealthCueInAnIncidentReportGetsTheIncidentBonus() {
        var withBonus = taxonomy
        withBonus.incidentBonus = 0.25
        withBonus.incidentTags = ["rancongiciel"]
        let classifier = Classifier(taxonomy: withBonus)
        let weakCueAndIncident = classifier.classify(title: "Rançongiciel : un acteur de la santé visé", summary: "", content: "")
        #expect(abs(weakCueAndIncident.score - (1 - 0.65 * 0.75)) < 0.001)
        #expect(weakCueAndIncident.health)
        #expect(weakCueAndIncident.evidence.contains { $0.ruleID == Classifier.incidentBonusRuleID })
        #expect(!weakCueAndIncident.tagIDs.contains(""))
        #expect(!classifier.classify(title: "Un rançongiciel frappe un éditeur", summary: "", content: "").health, "an incident alone is not health")
        #expect(!classifier.classify(title: "La santé des réseaux", summary: "", content: "").health, "a weak cue alone is not either")
        let strong = classifier.classify(title: "Rançongiciel dans un hôpital", summary: "", content: "")
        #expect(strong.score == 0.7, "no bonus above the threshold")
        #expect(!self.classifier.classify(title: "Rançongiciel : un acteur de la santé visé", summary: "", content: "").health,
                "no bonus unless the rules file asks for it")
    }

    @Test func extractsAndNormalisesCVEs() {
        let result = classifier.classify(title: "cve-2026-41872 et CVE-2026-41872", summary: "voir CVE-2025-1234567, pas XCVE-2025-1111",
                                         content: "")
        #expect(result.cves == ["CVE-2026-41872", "CVE-2025-1234567"])
    }
}

@Suite struct TaxonomyFileTests {
    private func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tax-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rejectsARuleForAnUndeclaredTagNamingTheLine() throws {
        let path = try write("threshold = 0.5\n\n[[tag]]\nid = \"a\"\n\n[[rule]]\nid = \"r\"\ntag = \"b\"\nweight = 0.5\nterms = [\"x\"]\n")
        let error = #expect(throws: ConfigurationError.self) { try Taxonomy.load(path: path) }
        #expect(error?.line == 6)
        #expect(error?.description.contains("\"b\"") == true)
    }

    @Test func rejectsAnIncidentTagNoTagDeclares() throws {
        let path = try write("threshold = 0.5\nincident_bonus = 0.2\nincident_tags = [\"nope\"]\n\n[[tag]]\nid = \"a\"\n")
        let error = #expect(throws: ConfigurationError.self) { try Taxonomy.load(path: path) }
        #expect(error?.description.contains("\"nope\"") == true)
    }

    @Test func theBundledRulesLoadAndSortTheDemoFalseFriends() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bundled = try Taxonomy.load(path: root.appendingPathComponent("Feeds/tagging.toml").path)
        let classifier = Classifier(taxonomy: bundled)
        #expect(classifier.classify(title: "Un centre hospitalier de Normandie frappé par un rançongiciel", summary: "", content: "").health)
        #expect(classifier.classify(title: "Cardiolink Patient Monitors", summary: "A vulnerability in this medical device", content: "").health)
        #expect(!classifier.classify(title: "La santé financière de l'éditeur de cybersécurité inquiète", summary: "", content: "").health)
        #expect(!classifier.classify(title: "Attackers abuse exposed health check endpoints", summary: "", content: "").health)
        #expect(!classifier.classify(title: "Multiples vulnérabilités dans Mozilla Firefox", summary: "", content: "").health)
    }
}
