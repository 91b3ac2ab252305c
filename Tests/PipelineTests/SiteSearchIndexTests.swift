import Foundation
import Logging
import Testing

@testable import Pipeline

/// The site's search index carries the same stems and synonyms as `items search`, which the
/// browser cannot compute (scripts/check-site drives the search box itself in Chromium).
@Suite struct SiteSearchIndexTests {
    @Test func theIndexGivesTheStemsOfItsWordsAndTheSynonymGroups() throws {
        let (environment, directory) = try demoEnvironment("search")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try PublicationRun(environment: environment).execute(.all)
        let output = directory.appendingPathComponent("Output")

        let months = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("search.json"))) as! [String]
        var pairs: [String: Set<String>] = [:]
        for month in months {
            let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent(month))) as! [[String: Any]]
            for entry in entries {
                for pair in (entry["k"] as? String ?? "").split(separator: " ") {
                    let parts = pair.split(separator: "=")
                    pairs[String(parts[0]), default: []].formUnion(parts[1].split(separator: ",").map(String.init))
                }
            }
        }
        #expect(pairs["hopitaux"]?.contains("hopital") == true, "« hôpital » finds « hôpitaux »")
        #expect(pairs["vulnerabilites"]?.contains("vulnerabilit") == true)

        let groups = try JSONSerialization.jsonObject(with: Data(contentsOf: output.appendingPathComponent("search/synonyms.json"))) as! [[String: [String]]]
        #expect(groups.contains { Set($0["k"] ?? []).isSuperset(of: ["rancongiciel", "ransomwar"]) }, "\"ransomware\" finds « rançongiciel »")
        #expect(groups.contains { ($0["p"] ?? []).contains("fuite de donnees") })
    }
}
