import Advisories
import Foundation
import Testing
import TestSupport

private let sharedCSAF = SharedCorpus.url("realworld/csaf")

@Suite struct ListingTests {
    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func changesCSVListsDocumentsWithTheirChangeTimes() throws {
        let url = sharedCSAF.appendingPathComponent("stackable/csaf/v2/advisories/changes.csv")
        let documents = try DocumentListing.changesCSV(try Data(contentsOf: url), url: url.absoluteString)
        #expect(documents.count >= 10)
        let first = try #require(documents.first)
        #expect(first.url.hasSuffix("/stackable/csaf/v2/advisories/2026/cve-2015-1832.json"))
        #expect(first.changed == "2026-07-13T16:44:34Z")
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func indexTXTListsRelativePaths() throws {
        let url = sharedCSAF.appendingPathComponent("cisa/csaf_files/OT/white/index.txt")
        let documents = try DocumentListing.indexTXT(try Data(contentsOf: url), url: url.absoluteString)
        #expect(documents.count == 2379)
        #expect(documents.allSatisfy { $0.changed == nil && $0.url.hasPrefix("file://") })
    }

    @Test func aListingCannotNameDocumentsOutsideItsTree() throws {
        #expect(throws: ListingError.self) {
            try DocumentListing.changesCSV(Data("\"../../etc/passwd\",\"2026-01-01T00:00:00Z\"\n".utf8), url: "https://example.org/csaf/changes.csv")
        }
        #expect(throws: ListingError.self) {
            try DocumentListing.indexTXT(Data("file:///etc/passwd\n".utf8), url: "https://example.org/csaf/index.txt")
        }
        #expect(throws: ListingError.self) {
            try DocumentListing.changesCSV(Data("just one field\n".utf8), url: "https://example.org/csaf/changes.csv")
        }
        for escape in ["https://other.example/x.json", "//other.example/x.json", "/etc/passwd.json", "%2e%2e/x.json", "2026\\..\\x.json"] {
            #expect(throws: ListingError.self, "\(escape)") {
                try DocumentListing.indexTXT(Data((escape + "\n").utf8), url: "https://example.org/csaf/white/index.txt")
            }
        }
    }

    @Test func providerMetadataNamesDistributionsAndKeys() throws {
        let metadata = Data("""
            {"canonical_url": "https://example.org/.well-known/csaf/provider-metadata.json",
             "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.org"},
             "distributions": [{"directory_url": "https://example.org/.well-known/csaf/white"},
                               {"rolie": {"feeds": [{"tlp_label": "WHITE", "url": "https://example.org/.well-known/csaf/white/example-feed.json"}]}}],
             "public_openpgp_keys": [{"fingerprint": "658FFD0FAC810D4714BAE4C499F0E6A8D9F58132", "url": "https://example.org/.well-known/csaf/openpgp/key.asc"}]}
            """.utf8)
        let provider = try DocumentListing.providerMetadata(metadata, url: "https://example.org/.well-known/csaf/provider-metadata.json")
        #expect(provider.directories == ["https://example.org/.well-known/csaf/white/"])
        #expect(provider.rolieFeeds == ["https://example.org/.well-known/csaf/white/example-feed.json"])
        #expect(provider.keys.map(\.fingerprint) == ["658FFD0FAC810D4714BAE4C499F0E6A8D9F58132"])
        #expect(throws: ListingError.self) { try DocumentListing.providerMetadata(Data("{}".utf8), url: "https://example.org/p.json") }
    }

    @Test func rolieEntriesCarryTheirHashAndSignatureLinks() throws {
        let feed = Data("""
            {"feed": {"id": "example-feed", "entry": [
              {"id": "EXAMPLE-2026-0001", "updated": "2026-11-20T10:00:00Z",
               "content": {"type": "application/json", "src": "2026/example-2026-0001.json"},
               "link": [{"rel": "self", "href": "2026/example-2026-0001.json"},
                        {"rel": "hash", "href": "2026/example-2026-0001.json.sha256"},
                        {"rel": "hash", "href": "2026/example-2026-0001.json.sha512"},
                        {"rel": "signature", "href": "2026/example-2026-0001.json.asc"}]}]}}
            """.utf8)
        let documents = try DocumentListing.rolieFeed(feed, url: "https://example.org/csaf/white/example-feed.json")
        #expect(documents == [ListedDocument(
            url: "https://example.org/csaf/white/2026/example-2026-0001.json", changed: "2026-11-20T10:00:00Z",
            hashURL: "https://example.org/csaf/white/2026/example-2026-0001.json.sha512",
            signatureURL: "https://example.org/csaf/white/2026/example-2026-0001.json.asc")])
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func aLocalDirectoryIsWalkedForItsDocuments() throws {
        let documents = try DocumentListing.walk(directory: sharedCSAF)
        #expect(documents.count >= 300)
        #expect(documents.allSatisfy { $0.url.hasSuffix(".json") && $0.changed != nil })
    }
}
