import Config
import FeedParsing
import Foundation
import Model
import Testing

/// Before: an OPML import took 1 s for 8,000 outlines, 11 s for 32,000 and over 5 minutes for
/// 200,000 (a linear search per outline, and a search for a free id suffix per duplicate title).
@Suite struct OPMLImportTests {
    @Test func twoHundredThousandOutlinesImportInLinearTime() throws {
        var opml = "<opml version=\"2.0\"><body>\n"
        for index in 0..<200_000 {
            // Many share a title ("Veille"): each gets the next free suffix, not a search from 2.
            let title = index % 4 == 0 ? "Veille" : "Flux \(index)"
            opml += "<outline text=\"\(title)\" xmlUrl=\"https://feeds.example.org/\(index).xml\"/>\n"
        }
        opml += "<outline text=\"Écrire\" xmlUrl=\"mailto:a@example.org\"/></body></opml>\n"
        let started = Date()
        let list = try OPMLReader.read(Data(opml.utf8))
        let existing = [Source(id: "veille", title: "Veille", url: "https://feeds.example.org/0.xml")]
        let added = SourcesFileEditing.newSources(list.outlines.map { (title: $0.title, url: $0.feedURL, language: $0.language, homepage: $0.siteURL) },
                                                  existing: existing, interval: 3600)
        let seconds = Date().timeIntervalSince(started)
        print("OPML import of 200,000 outlines: \(String(format: "%.2f", seconds)) s (read and ids)")
        #expect(list.outlines.count == 200_000 && list.skipped.count == 1)
        #expect(added.count == 199_999, "the feed already a source is not added twice")
        #expect(Set(added.map(\.id)).count == added.count && !added.contains { $0.id == "veille" })
        #expect(added.first { $0.url == "https://feeds.example.org/4.xml" }?.id == "veille-2")
    }
}
