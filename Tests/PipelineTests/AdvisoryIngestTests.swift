import Config
import Foundation
import GRDB
import Logging
import Model
@testable import Storage
import Testing
import TestSupport

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let realWorld = SharedCorpus.url("realworld")

/// A run environment over a sources file of the given `[[source]]` tables.
private func environment(sources: String, allowPrivateNetworks: Bool = false) throws -> (RunEnvironment, URL) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-advisories-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let sourcesPath = directory.appendingPathComponent("sources.toml")
    try sources.write(to: sourcesPath, atomically: true, encoding: .utf8)
    var settings = try Settings.resolve(
        SettingsOverrides(databasePath: directory.appendingPathComponent("db.sqlite").path,
                          outputDirectory: directory.appendingPathComponent("Output").path, sourcesPath: sourcesPath.path,
                          allowPrivateNetworks: allowPrivateNetworks),
        environment: [:])
    settings.rulesPath = root.appendingPathComponent("Feeds/tagging.toml").path
    settings.templatesDirectory = root.appendingPathComponent("Templates").path
    settings.purgeAfterSeconds = nil
    return (try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })), directory)
}

private func count(_ store: Store, _ sql: String) throws -> Int {
    try store.pool.read { try Int.fetchOne($0, sql: sql) ?? 0 }
}

@Suite struct AdvisoryIngestTests {
    /// Every CSAF document of the shared corpus, read from a local directory as a `csaf` source.
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func everyCSAFDocumentOfTheCorpusIngests() throws {
        let (environment, _) = try environment(sources: """
            [[source]]
            id = "csaf-corpus"
            url = "\(realWorld.appendingPathComponent("csaf").path)"
            kind = "csaf"
            local = true
            """)
        let summary = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        let store = environment.store
        let documents = FileManager.default.enumerator(at: realWorld.appendingPathComponent("csaf"), includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }.count
        let items = try count(store, "SELECT count(*) FROM item")
        let cves = try count(store, "SELECT count(DISTINCT cve) FROM item_cve")
        let products = try count(store, "SELECT sum(json_array_length(facts, '$.products')) FROM item_advisory")
        let health = try count(store, "SELECT count(*) FROM item WHERE health = 1")
        let hashVerified = try count(store, "SELECT count(*) FROM item_advisory WHERE verification = 'hash-verified'")
        print("CSAF corpus: \(documents) documents → \(items) items, \(cves) distinct CVEs, \(products) products, \(health) health-tagged, \(hashVerified) hash-verified")
        #expect(summary.failures.isEmpty, "\(summary.failures.prefix(3))")
        #expect(items == documents)
        #expect(hashVerified == documents)
        #expect(cves > 500)
        #expect(health >= 100)

        // One advisory checked against its document (icsma-19-190-01).
        let id = try #require(try store.pool.read {
            try Int64.fetchOne($0, sql: "SELECT item_id FROM item_advisory WHERE tracking_id = 'ICSMA-19-190-01'")
        })
        let item = try #require(try store.item(id: id))
        #expect(item.title == "GE Aestiva and Aespire Anesthesia (Update A)")
        #expect(item.cves == ["CVE-2019-10966"])
        #expect(item.cvss == 5.3)
        #expect(item.health)
        #expect(item.tags.contains { $0.ruleID == "sante.secteur" && $0.matchedText.lowercased() == "healthcare and public health" })
        #expect(item.advisory?.products.count == 4)
        #expect(item.advisory?.version == "2")
        #expect(item.advisory?.sectors == ["Healthcare and Public Health"])
        #expect(item.advisory?.verification?.detail == "sha512 ok; signature present, not checked: no provider key")

        // A second round reads nothing again.
        let again = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(again.itemsNew == 0 && again.itemsUpdated == 0)
        #expect(try count(store, "SELECT count(*) FROM item") == items)
    }

    /// A document altered by one byte fails its hash, is not ingested, and is recorded on the
    /// source's health; a malformed one names its missing field; the rest of the batch is read;
    /// a revised advisory updates its item and keeps its history.
    @Test func alteredAndMalformedDocumentsAreRefusedAndTheRestIsRead() throws {
        let fixtures = root.appendingPathComponent("Tests/AdvisoriesTests/Fixtures")
        let provider = FileManager.default.temporaryDirectory.appendingPathComponent("cv-provider-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: provider.appendingPathComponent("2026"), withIntermediateDirectories: true)
        for name in ["example-2026-0001.json", "example-2026-0001.json.sha512", "example-2026-0001.json.asc"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: provider.appendingPathComponent("2026/" + name))
        }
        // The same document altered by one byte, its published files unchanged.
        var altered = try Data(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json"))
        altered[altered.firstIndex(of: UInt8(ascii: "9"))!] = UInt8(ascii: "8")
        try altered.write(to: provider.appendingPathComponent("2026/example-2026-0002.json"))
        for suffix in [".sha512", ".asc"] {
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("example-2026-0001.json" + suffix),
                                             to: provider.appendingPathComponent("2026/example-2026-0002.json" + suffix))
        }
        // A document without its tracking id.
        let text = try String(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"id\": \"EXAMPLE-2026-0001\",", with: "")
            .write(to: provider.appendingPathComponent("2026/example-2026-0003.json"), atomically: true, encoding: .utf8)
        try """
            "2026/example-2026-0003.json","2026-11-20T12:00:00Z"
            "2026/example-2026-0002.json","2026-11-20T11:00:00Z"
            "2026/example-2026-0001.json","2026-11-20T10:00:00Z"
            """.write(to: provider.appendingPathComponent("changes.csv"), atomically: true, encoding: .utf8)

        let (environment, _) = try environment(sources: """
            [[source]]
            id = "example-provider"
            url = "\(provider.path)"
            kind = "csaf"
            local = true
            """)
        let summary = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        let store = environment.store
        #expect(try count(store, "SELECT count(*) FROM item") == 1)
        #expect(try count(store, "SELECT count(*) FROM item_advisory WHERE verification = 'hash-verified'") == 1)
        let messages = summary.failures.map(\.message)
        #expect(messages.contains { $0.hasPrefix("example-2026-0002.json: sha512: the document does not match its published digest") }, "\(messages)")
        #expect(messages.contains { $0 == "example-2026-0003.json: CSAF: missing required field /document/tracking/id" }, "\(messages)")
        let health = try #require(try store.sourceStates()["example-provider"])
        #expect(health.lastStatus?.contains("3 listed, 1 read, 2 refused") == true, "\(health.lastStatus ?? "")")

        // Nothing changed: nothing is read again, refused documents are not retried.
        let second = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(second.failures.isEmpty && second.itemsNew == 0)

        // Revision 2 of the advisory, listed as changed: the item is updated, never duplicated.
        let revised = text.replacingOccurrences(of: "\"version\": \"1\"", with: "\"version\": \"2\"")
            .replacingOccurrences(of: "\"current_release_date\": \"2026-11-20T10:00:00Z\"", with: "\"current_release_date\": \"2026-11-25T10:00:00Z\"")
        try revised.write(to: provider.appendingPathComponent("2026/example-2026-0001.json"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: provider.appendingPathComponent("2026/example-2026-0001.json.asc"))
        try FileManager.default.removeItem(at: provider.appendingPathComponent("2026/example-2026-0001.json.sha512"))
        try """
            "2026/example-2026-0001.json","2026-11-25T10:00:00Z"
            "2026/example-2026-0003.json","2026-11-20T12:00:00Z"
            "2026/example-2026-0002.json","2026-11-20T11:00:00Z"
            """.write(to: provider.appendingPathComponent("changes.csv"), atomically: true, encoding: .utf8)
        let third = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(third.itemsUpdated == 1 && third.itemsNew == 0)
        #expect(try count(store, "SELECT count(*) FROM item") == 1)
        #expect(try count(store, "SELECT count(*) FROM item_revision") == 1)
        let item = try #require(try store.item(id: 1))
        #expect(item.advisory?.version == "2")
        #expect(item.advisory?.verification?.state == .unverified)
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func everyCERTFRDocumentIngestsWithItsCVEsAndAffectedSystems() throws {
        let (environment, _) = try environment(sources: """
            [[source]]
            id = "certfr-avis"
            url = "\(realWorld.appendingPathComponent("certfr").path)"
            kind = "certfr"
            local = true
            """)
        let summary = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        let store = environment.store
        let documents = try FileManager.default.contentsOfDirectory(atPath: realWorld.appendingPathComponent("certfr").path)
            .filter { $0.hasSuffix(".json") }
        var expectedCVEs = 0, expectedSystems = 0
        for name in documents {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: realWorld.appendingPathComponent("certfr/" + name))) as! [String: Any]
            expectedCVEs += (object["cves"] as! [Any]).count
            expectedSystems += (object["affected_systems"] as! [Any]).count
        }
        let items = try count(store, "SELECT count(*) FROM item")
        let cves = try count(store, "SELECT count(*) FROM item_cve")
        let systems = try count(store, "SELECT sum(json_array_length(facts, '$.products')) FROM item_advisory")
        print("CERT-FR corpus: \(documents.count) documents → \(items) items, \(cves) CVE mentions (documents list \(expectedCVEs)), \(systems) affected systems (documents list \(expectedSystems))")
        #expect(summary.failures.isEmpty)
        #expect(items == documents.count)
        #expect(try count(store, "SELECT count(*) FROM item_advisory WHERE json_array_length(facts, '$.products') = 0") == 0)
        #expect(cves >= expectedCVEs - 5)  // documents may repeat a CVE
        let id = try #require(try store.pool.read {
            try Int64.fetchOne($0, sql: "SELECT item_id FROM item_advisory WHERE tracking_id = 'CERTFR-2025-AVI-0001'")
        })
        let item = try #require(try store.item(id: id))
        #expect(item.cves == ["CVE-2024-9138", "CVE-2024-9140"])
        #expect(item.link == "https://www.cert.ssi.gouv.fr/avis/CERTFR-2025-AVI-0001/")
        #expect(item.advisory?.products.first == "Moxa EDR-G9004 Series versions antérieures à 3.14")
        #expect(item.advisory?.risks == ["Exécution de code arbitraire à distance", "Élévation de privilèges"])
    }

    /// The KEV catalog as a source: its entries become items and flag the CVEs of items already
    /// stored; a second run ingests nothing new.
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func theKEVCatalogIngestsAndFlagsStoredItems() throws {
        let catalog = realWorld.appendingPathComponent("kev/known_exploited_vulnerabilities.2025-08-25.dev.json")
        let (environment, _) = try environment(sources: """
            [[source]]
            id = "cisa-kev"
            url = "\(catalog.path)"
            kind = "kev"
            local = true
            """)
        let store = environment.store
        try store.syncSources([Source(id: "news", title: "News", url: "https://example.org/")])
        _ = try store.upsertItems(sourceID: "news", [ParsedItem(id: "n1", title: "Git fixes CVE-2025-48384 in a hurry")])
        let first = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        let entries = (try JSONSerialization.jsonObject(with: Data(contentsOf: catalog)) as! [String: Any])["vulnerabilities"] as! [Any]
        #expect(first.itemsNew == entries.count + 0)
        let news = try #require(try store.item(id: 1))
        #expect(news.cveDetails.first?.knownExploited == true)
        #expect(news.cveDetails.first?.remediationDue == "2025-09-15")
        let second = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(second.itemsNew == 0 && second.itemsUpdated == 0)
    }

    /// A provider over HTTP: provider-metadata.json names its key and its ROLIE feed, the feed
    /// names the document with its hash and signature; a second round asks for the metadata
    /// with its validators and fetches no document again. A TLP:AMBER advisory is stored but
    /// never publishable.
    @Test func aProviderIsReadThroughItsMetadataAndROLIEFeedOverHTTP() throws {
        let fixtures = root.appendingPathComponent("Tests/AdvisoriesTests/Fixtures")
        let document = try Data(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json"))
        let amber = Data(String(decoding: document, as: UTF8.self)
            .replacingOccurrences(of: "EXAMPLE-2026-0001", with: "EXAMPLE-2026-0002")
            .replacingOccurrences(of: "\"label\": \"CLEAR\"", with: "\"label\": \"AMBER\"").utf8)
        let files: [String: Data] = [
            "/.well-known/csaf/provider-metadata.json": Data("""
                {"canonical_url": "/.well-known/csaf/provider-metadata.json",
                 "publisher": {"category": "vendor", "name": "Example Medical", "namespace": "https://example.org"},
                 "distributions": [{"rolie": {"feeds": [{"tlp_label": "WHITE", "url": "/.well-known/csaf/white/feed.json"}]}}],
                 "public_openpgp_keys": [{"fingerprint": "658FFD0FAC810D4714BAE4C499F0E6A8D9F58132", "url": "/.well-known/csaf/openpgp/key.asc"}]}
                """.utf8),
            "/.well-known/csaf/openpgp/key.asc": try Data(contentsOf: fixtures.appendingPathComponent("provider-key.asc")),
            "/.well-known/csaf/white/feed.json": Data("""
                {"feed": {"id": "example", "entry": [
                  {"id": "EXAMPLE-2026-0001", "updated": "2026-11-20T10:00:00Z", "content": {"src": "2026/example-2026-0001.json"},
                   "link": [{"rel": "hash", "href": "2026/example-2026-0001.json.sha512"}, {"rel": "signature", "href": "2026/example-2026-0001.json.asc"}]},
                  {"id": "EXAMPLE-2026-0002", "updated": "2026-11-21T10:00:00Z", "content": {"src": "2026/example-2026-0002.json"}}]}}
                """.utf8),
            "/.well-known/csaf/white/2026/example-2026-0001.json": document,
            "/.well-known/csaf/white/2026/example-2026-0001.json.sha512": try Data(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json.sha512")),
            "/.well-known/csaf/white/2026/example-2026-0001.json.asc": try Data(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json.asc")),
            "/.well-known/csaf/white/2026/example-2026-0002.json": amber,
        ]
        let server = try LocalHTTPServer { request in
            guard let body = files[request.path] else { return .init(status: 404) }
            return .init(status: 200, headers: [("ETag", "\"m1\"")], body: body)
        }
        defer { server.stop() }
        let (environment, _) = try environment(sources: """
            [[source]]
            id = "example-provider"
            url = "\(server.baseURL)/.well-known/csaf/provider-metadata.json"
            kind = "csaf"
            """, allowPrivateNetworks: true)
        let first = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(first.itemsNew == 1)
        // The provider signs its documents: one published without a signature is refused.
        #expect(first.failures.map(\.message) == ["example-2026-0002.json: signature: none published beside the document, while the provider signs its documents"])
        let store = environment.store
        #expect(try count(store, "SELECT count(*) FROM item_advisory WHERE verification = 'signed'") == 1)
        let publishable = try store.publishableItems(limit: 10).compactMap { $0.advisory?.trackingID }
        #expect(publishable.contains("EXAMPLE-2026-0001"), "the TLP:CLEAR advisory about an infusion pump is published")

        // The metadata is read again each round (its ROLIE feed may list new documents); the
        // documents already read are not fetched again.
        let documentRequests = server.requests.filter { $0.path.hasSuffix("example-2026-0001.json") }.count
        let second = try PublicationRun(environment: environment, force: true).execute(.fetchOnly)
        #expect(second.itemsNew == 0)
        #expect(server.requests.filter { $0.path.hasSuffix("example-2026-0001.json") }.count == documentRequests)
        #expect(server.requests.filter { $0.path.hasSuffix("feed.json") }.count == 2)
    }

    /// A TLP:AMBER advisory is stored, never publishable.
    @Test func aTLPAmberAdvisoryIsStoredButNeverPublished() throws {
        let fixtures = root.appendingPathComponent("Tests/AdvisoriesTests/Fixtures")
        let provider = FileManager.default.temporaryDirectory.appendingPathComponent("cv-amber-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: provider, withIntermediateDirectories: true)
        let text = try String(contentsOf: fixtures.appendingPathComponent("example-2026-0001.json"), encoding: .utf8)
        try text.replacingOccurrences(of: "\"label\": \"CLEAR\"", with: "\"label\": \"AMBER\"")
            .write(to: provider.appendingPathComponent("example-amber.json"), atomically: true, encoding: .utf8)
        let (environment, _) = try environment(sources: """
            [[source]]
            id = "amber-provider"
            url = "\(provider.path)"
            kind = "csaf"
            local = true
            """)
        let summary = try PublicationRun(environment: environment, force: true).execute(.all)
        #expect(summary.itemsNew == 1)
        #expect(try count(environment.store, "SELECT count(*) FROM item WHERE tlp = 'amber'") == 1)
        #expect(try environment.store.publishableItems(limit: 10).isEmpty, "a TLP:AMBER advisory must never be publishable")
    }
}
