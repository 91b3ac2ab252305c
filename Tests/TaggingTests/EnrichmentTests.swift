import Foundation
import Model
import Testing
import TestSupport

@testable import Tagging

private let kevDirectory = SharedCorpus.url("realworld/kev")

@Suite struct EnrichmentParsingTests {
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func readsTheRealKEVCatalog() throws {
        let path = kevDirectory.appendingPathComponent("known_exploited_vulnerabilities.2025-04-07.dev.json")
        let entries = try KEVCatalog.parse(try Data(contentsOf: path), origin: path.path)
        #expect(entries.count == 664)
        let tomcat = try #require(entries.first { $0.cve == "CVE-2025-24813" })
        #expect(tomcat.dateAdded == "2025-04-01")
        #expect(tomcat.vendor == "Apache")
        #expect(tomcat.dueDate?.count == 10)
        #expect(entries.contains { $0.knownRansomwareUse })
    }

    @Test func aFileThatIsNotACatalogIsAnErrorNamingIt() {
        let error = #expect(throws: EnrichmentError.self) { try KEVCatalog.parse(Data(#"{"title": "x"}"#.utf8), origin: "kev.json") }
        #expect(error?.description == #"kev.json: not a KEV catalog (no "vulnerabilities")"#)
    }

    @Test func readsEPSSScoresAndNamesTheBadLine() throws {
        let csv = "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00Z\ncve,epss,percentile\nCVE-2025-24813,0.94207,0.99912\ncve-2021-44228,0.9444,0.99970\n"
        let scores = try EPSSFile.parse(Data(csv.utf8), origin: "epss.csv")
        #expect(scores == [EPSSScore(cve: "CVE-2025-24813", probability: 0.94207, percentile: 0.99912),
                           EPSSScore(cve: "CVE-2021-44228", probability: 0.9444, percentile: 0.9997)])
        let error = #expect(throws: EnrichmentError.self) {
            try EPSSFile.parse(Data("cve,epss,percentile\nCVE-2025-1,2.5,0.1\n".utf8), origin: "epss.csv")
        }
        #expect(error?.description.hasPrefix("epss.csv:2:") == true)
        #expect(throws: EnrichmentError.self) { try EPSSFile.parse(Data("<html>".utf8), origin: "epss.csv") }
    }

    @Test func findsCVSSScoresAsSourcesWriteThem() {
        #expect(CVSSExtractor.highestScore(in: "CVSS v3.1 base score of 9.8 has been calculated") == 9.8)
        #expect(CVSSExtractor.highestScore(in: "A CVSS v4 score of 9.3 and a CVSS v3 score of 8.6") == 9.3)
        #expect(CVSSExtractor.highestScore(in: "(CVSS score: 10.0)") == 10.0)
        #expect(CVSSExtractor.highestScore(in: "avec un score CVSS de 7,5 sur 10") == 7.5)
        #expect(CVSSExtractor.highestScore(in: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == nil)
        #expect(CVSSExtractor.highestScore(in: "CVSS v3 reports 3 vulnerabilities") == nil)
        #expect(CVSSExtractor.highestScore(in: "no score here, 9.8 alone is not one") == nil)
        #expect(CVSSExtractor.highestScore(in: "CVSS 3.1 base score 9.8") == 9.8, "a bare version is not the score")
        #expect(CVSSExtractor.highestScore(in: "un score CVSS 3.1 de 9,8") == 9.8)
        #expect(CVSSExtractor.highestScore(in: "CVSS 4.0 : 9.3") == 9.3)
        #expect(CVSSExtractor.highestScore(in: "CVSS3.1 9.8 and CVSSv3 score 7.5") == 9.8)
        #expect(CVSSExtractor.highestScore(in: "CVSS 3.1") == 3.1, "alone, a number is all there is")
    }

    @Test func theClassifierFindsCVSSWrittenInOneWord() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let classifier = Classifier(taxonomy: try Taxonomy.load(path: root.appendingPathComponent("Feeds/tagging.toml").path))
        #expect(classifier.classify(title: "Flaw rated CVSS3.1 9.8 in an infusion pump", summary: "", content: "").cvss == 9.8)
        #expect(classifier.classify(title: "Flaw in an infusion pump", summary: "", content: "").cvss == nil)
    }

    @Test func detectsTheLanguageOfHeadlinesWhenOneClearlyLeads() {
        #expect(LanguageDetector.detect("Un centre hospitalier frappé par un rançongiciel : les urgences sont perturbées") == "fr")
        #expect(LanguageDetector.detect("Hackers breach the network of a hospital in Ohio and steal patient data") == "en")
        #expect(LanguageDetector.detect("Angriff auf das Klinikum: die Notaufnahme ist nicht erreichbar") == "de")
        #expect(LanguageDetector.detect("CVE-2026-1234") == nil)
        #expect(LanguageDetector.detect("Patch Tuesday") == nil)
    }
}
