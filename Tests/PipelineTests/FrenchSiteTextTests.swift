import Foundation
import Incidents
import Testing
import TestSupport

@testable import Pipeline

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built demo site read as a French reader would: dates in words, French plurals, decimal
/// commas, and tables that say what their rows are. Only the site's own words are read: feed
/// titles and summaries keep what their sources wrote (an English advisory's « CVSS 9.8 »).
@Suite struct FrenchSiteTextTests {
    /// The text of a page the site wrote itself: tags, scripts, feed titles and summaries,
    /// editors' notes, code and attributes removed.
    static func ownText(_ html: String) -> String {
        var page = html
        for pattern in ["<script[\\s\\S]*?</script>", "<style[\\s\\S]*?</style>", "<head>[\\s\\S]*?</head>",
                        "<div class=\"item-summary\">[\\s\\S]*?</div>", "<aside class=\"editor-note\"[\\s\\S]*?</aside>",
                        "<h3 class=\"item-title\">[\\s\\S]*?</h3>", "<h1>[\\s\\S]*?</h1>", "<code>[\\s\\S]*?</code>",
                        "<title>[\\s\\S]*?</title>", "<summary type=\"text\">[\\s\\S]*?</summary>", "<[^>]+>"] {
            page = page.replacingOccurrences(of: pattern, with: "\n", options: .regularExpression)
        }
        return page.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&#39;", with: "'")
    }

    /// A day or a month written the ISO way ("2026-11-20", "2025-01").
    static let isoDate = try! NSRegularExpression(pattern: #"\b\d{4}-\d{2}(-\d{2})?\b(?!-)"#)
    static let badPlural = try! NSRegularExpression(
        pattern: #"\b[01] (éléments|articles|alertes|déclarations|sources|pages|incidents|structures|résultats|jours|heures|avis|CVE|produits|étiquettes)\b"#)
    /// A number with a decimal point; a version number (« RGAA, version 4.1 ») is one by name.
    static let decimalPoint = try! NSRegularExpression(pattern: #"(?<![\d.])(?<!version )\d+\.\d+(?![\d.])"#)

    static func matches(_ expression: NSRegularExpression, _ text: String) -> [String] {
        expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
    }

    @Test func theDemoSiteWritesDatesNumbersAndPluralsInFrench() throws {
        let (environment, directory) = try demoEnvironment("french")
        defer { try? FileManager.default.removeItem(at: directory) }
        let declarations = try DeclarationFile.read(try Data(contentsOf: root.appendingPathComponent("Feeds/demo/declarations.csv")),
                                                    name: "declarations.csv")
        _ = try environment.store.importIncidents(declarations, actor: "test")
        _ = try PublicationRun(environment: environment).execute(.all)
        let output = directory.appendingPathComponent("Output")
        let pages = try SiteFiles.html(in: output)
        #expect(pages.count > 50)
        var problems: [String] = []
        for (file, html) in pages.sorted(by: { $0.key < $1.key }) {
            let path = String(file.dropFirst(output.path.count + 1))
            let text = Self.ownText(html)
            for date in Self.matches(Self.isoDate, text) { problems.append("\(path): ISO date « \(date) » in the text") }
            for plural in Self.matches(Self.badPlural, text) { problems.append("\(path): « \(plural) »") }
            for number in Self.matches(Self.decimalPoint, text) { problems.append("\(path): decimal point in « \(number) »") }
        }
        // The French texts of the feeds too: titles and summaries the site writes (alerts, editions).
        for feed in ["alertes/atom.xml", "editions/atom.xml"] {
            guard let xml = try? String(contentsOf: output.appendingPathComponent(feed), encoding: .utf8) else { continue }
            let text = Self.ownText(xml)
            for plural in Self.matches(Self.badPlural, text) { problems.append("\(feed): « \(plural) »") }
        }
        let count = problems.count
        #expect(count == 0, "\(count) problems:\n\(problems.prefix(20).joined(separator: "\n"))")

        // Every observatory table says what its rows are.
        let observatory = try #require(pages.first { $0.key.contains("/observatoire/rapport-") }?.value)
        let headers = Self.matches(try NSRegularExpression(pattern: #"<thead><tr><th scope="col">[^<]*</th>"#), observatory)
            .map { $0.replacingOccurrences(of: #"<[^>]+>"#, with: "", options: .regularExpression) }
        #expect(headers == ["Mois", "Catégorie", "Type de structure", "Région"], "observatory table headers: \(headers)")
    }

    @Test func theChecksFindWhatTheyLookFor() {
        let text = Self.ownText("<p>Publié le 2026-11-20 (1 éléments), pertinence 0.84, FortiOS <code>7.2.5</code>, RGAA version 4.1</p>")
        #expect(Self.matches(Self.isoDate, text) == ["2026-11-20"])
        #expect(Self.matches(Self.isoDate, "janvier 2025, 2025-01, CVE-2026-40733") == ["2025-01"])
        #expect(Self.matches(Self.badPlural, text) == ["1 éléments"])
        #expect(Self.matches(Self.decimalPoint, text) == ["0.84"])
    }
}
