import Config
import Foundation
import Logging
import Model
import Storage
import Testing
import TestSupport

@testable import Pipeline

private let kev = #"""
{"vulnerabilities": [{"cveID": "CVE-2026-1111", "vendorProject": "V", "product": "P", "vulnerabilityName": "N",
  "dateAdded": "2026-11-01", "dueDate": "2026-11-22", "knownRansomwareCampaignUse": "Known"}]}
"""#

@Suite struct EnrichStepTests {
    private func environment(kev: String?, epss: String? = nil) throws -> RunEnvironment {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-enrich-\(UUID().uuidString)")
        var settings = try Settings.resolve(SettingsOverrides(databasePath: directory.appendingPathComponent("db.sqlite").path,
                                                              allowPrivateNetworks: true), environment: [:])
        settings.kevCatalog = kev
        settings.epssScores = epss
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        try environment.store.syncSources([Source(id: "s", title: "S", url: "https://example.org/")])
        _ = try environment.store.upsertItems(sourceID: "s", [ParsedItem(id: "1", title: "Faille CVE-2026-1111 et CVE-2026-2222")])
        let toTag = try environment.store.itemsToTag(rulesFingerprint: "r")
        try environment.store.saveClassifications(toTag.map {
            ($0, Classification(score: 0, health: false, evidence: [], cves: ["CVE-2026-1111", "CVE-2026-2222"]))
        })
        return environment
    }

    @Test func flagsKnownExploitedCVEsFromAURLAndRefetchesWithValidators() throws {
        let server = try LocalHTTPServer { request in
            request.headers["if-none-match"] == "\"v1\""
                ? .init(status: 304)
                : .init(status: 200, headers: [("ETag", "\"v1\""), ("Content-Type", "application/json")], body: Data(kev.utf8))
        }
        defer { server.stop() }
        let environment = try environment(kev: server.baseURL + "/kev.json")
        #expect(EnrichStep(environment: environment).run(now: Date()), "a new catalog was loaded")
        let item = try #require(try environment.store.item(id: 1))
        #expect(item.cveDetails.map(\.knownExploited) == [true, false])
        #expect(item.cveDetails.first?.remediationDue == "2026-11-22")
        #expect(item.cveDetails.first?.knownRansomwareUse == true)
        #expect(!EnrichStep(environment: environment).run(now: Date()), "304: nothing new")
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.headers["if-none-match"] == "\"v1\"")
        #expect(try environment.store.enrichmentState("kev")?.entries == 1)
    }

    @Test func aFileIsReloadedWhenItChangesAndABrokenOneKeepsThePreviousVersion() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cv-kev-\(UUID().uuidString).json").path
        try kev.write(toFile: path, atomically: true, encoding: .utf8)
        let epss = path + ".csv"
        try "cve,epss,percentile\nCVE-2026-2222,0.5,0.9\n".write(toFile: epss, atomically: true, encoding: .utf8)
        let environment = try environment(kev: path, epss: epss)
        EnrichStep(environment: environment).run(now: Date())
        #expect(try environment.store.item(id: 1)?.cveDetails.map(\.knownExploited) == [true, false])
        #expect(try environment.store.item(id: 1)?.cveDetails.last?.epss == 0.5)

        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        EnrichStep(environment: environment).run(now: Date())
        #expect(try environment.store.item(id: 1)?.cveDetails.first?.knownExploited == true, "a broken file changes nothing")

        try kev.replacingOccurrences(of: "CVE-2026-1111", with: "CVE-2026-2222").write(toFile: path, atomically: true, encoding: .utf8)
        EnrichStep(environment: environment).run(now: Date())
        #expect(try environment.store.item(id: 1)?.cveDetails.map(\.knownExploited) == [false, true], "entries no longer listed lose their flag")
    }
}
