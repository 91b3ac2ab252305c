import Foundation
import Testing
import TestSupport

@testable import Tagging

private let relevance = SharedCorpus.url("realworld/relevance/dev.jsonl")

@Suite struct WordTokenizerTests {
    /// Texts that exercise every path of the scanner: ASCII, accented Latin, ligatures that fold
    /// longer, other scripts, emoji, combining marks.
    static let texts = [
        "", " ", "a", "Rançongiciel à l'hôpital : l'ÉHPAD « Les Érables » touché", "ﬁchier ǅ İstanbul ß Œuvre æther",
        "Кибератака на больницу", "Ηλεκτρονικός φάκελος υγείας", "病院へのランサムウェア攻撃", "emoji 🏥 et cœur ❤️ 2026",
        "e\u{301}cole (combining accent)", "x" + String(repeating: "ﬃ", count: 200), "CVE-2026-12345, CVSS:3.1/AV:N",
    ]

    /// The buffer-based scanner finds exactly the words, folds and hashes of the reference one.
    @Test func theFastScannerAgreesWithTheReferenceOne() {
        for text in Self.texts {
            #expect(WordTokenizer.scan(text) == WordTokenizer.referenceScan(text), "\(text.prefix(60))")
        }
    }

    @Test(.enabled(if: SharedCorpus.isAvailable, Comment(rawValue: SharedCorpus.missing)))
    func theFastScannerAgreesOnTheRelevanceRecords() throws {
        var texts: [String] = []
        for line in try String(contentsOf: relevance, encoding: .utf8).split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            texts.append((object["title"] as? String ?? "") + "\n" + (object["summary"] as? String ?? ""))
        }
        #expect(texts.count > 900)
        for text in texts {
            #expect(WordTokenizer.scan(text) == WordTokenizer.referenceScan(text), "\(text.prefix(60))")
        }
    }
}
