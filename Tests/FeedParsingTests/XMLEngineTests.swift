import Foundation
import Testing
import TestSupport

@testable import FeedParsing

/// The SAX2 pass and the text reader must read every document alike: same feed, same items, same
/// error. Checked on every conformance case, real-world feed and demo feed.
@Suite struct XMLEngineTests {
    /// Every feed document of the demo feeds and, when `shared`, of the shared conformance cases
    /// and real-world feeds.
    static func corpusFiles(shared: Bool = SharedCorpus.isAvailable) -> [URL] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files: [URL] = []
        let sharedDirectories = shared ? [SharedCorpus.url("feedparser"), SharedCorpus.url("realworld/feeds")] : []
        for directory in sharedDirectories + [root.appendingPathComponent("Feeds/demo")] {
            let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if url.pathExtension == "xml" || url.pathExtension == "rss" || url.pathExtension == "atom" { files.append(url) }
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func outcome(_ data: Data, engine: XMLStreamReader.Engine, url: String) -> String {
        var parser = FeedParser()
        parser.engine = engine
        do {
            return String(describing: try parser.parse(data, url: url))
        } catch {
            return "error: \(error)"
        }
    }

    @Test func bothEnginesReadTheDemoFeedsAlike() throws {
        let files = Self.corpusFiles(shared: false)
        #expect(files.count >= 5)
        try Self.checkEnginesAgree(on: files)
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing))) func bothEnginesReadTheSharedCorporaAlike() throws {
        let files = Self.corpusFiles(shared: true)
        #expect(files.count > 600)
        try Self.checkEnginesAgree(on: files)
    }

    static func checkEnginesAgree(on files: [URL]) throws {
        var withDoctype = 0
        for file in files {
            let data = try Data(contentsOf: file)
            if data.withUnsafeBytes({ XMLStreamReader.declaresDocumentType($0) }) { withDoctype += 1 }
            let sax = outcome(data, engine: .automatic, url: file.absoluteString)
            let reader = outcome(data, engine: .textReader, url: file.absoluteString)
            #expect(sax == reader, "\(file.lastPathComponent)")
        }
        print("engines agree on \(files.count) documents (\(withDoctype) with a DOCTYPE, read by the text reader either way)")
    }

    /// Found in review: an undeclared prefix is a namespace error libxml2 lets pass, and the text
    /// reader names such an element "media:title"; SAX2 must too, or it would be read as the title.
    @Test func undeclaredPrefixesKeepTheirPrefix() throws {
        let xml = Data("""
            <rss version="2.0"><channel><item><media:title>Photo credit</media:title><title>Real</title>
            <enclosure media:url="https://e.org/x" url="https://e.org/a.pdf" type="application/pdf"/></item></channel></rss>
            """.utf8)
        let sax = Self.outcome(xml, engine: .automatic, url: "https://e.org/feed")
        #expect(sax == Self.outcome(xml, engine: .textReader, url: "https://e.org/feed"))
        #expect(try FeedParser().parse(xml).items.first?.title == "Real")
    }

    @Test func findsTheDoctypeInTheProlog() {
        func declares(_ text: String) -> Bool { Data(text.utf8).withUnsafeBytes { XMLStreamReader.declaresDocumentType($0) } }
        #expect(declares("<?xml version=\"1.0\"?>\n<!-- c <x> -->\n<!DOCTYPE rss [<!ENTITY e \"x\">]><rss/>"))
        #expect(!declares("<?xml version=\"1.0\"?><rss><description><![CDATA[<!DOCTYPE html>]]></description></rss>"))
        #expect(!declares("<?xml-stylesheet href=\"a?>b\"?><!-- <!DOCTYPE --><feed/>"))
    }
}
