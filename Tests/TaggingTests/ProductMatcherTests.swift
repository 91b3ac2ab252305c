import Foundation
import Model
import Tagging
import Testing

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Products named in the running text of news items (Feeds/products.toml), on a test set written
/// for this purpose (Fixtures/product-cases.jsonl: French and English, aliases, and look-alikes —
/// a company for its product, a product's name as an ordinary word).
@Suite struct ProductMatcherTests {
    struct Case: Decodable {
        var id: String
        var title: String
        var summary: String
        var expect: [[String]]
    }

    @Test func theTestSetsProductsAreFoundWithPrecisionAndRecallAbove90Percent() throws {
        let matcher = try ProductMatcher.load(path: root.appendingPathComponent("Feeds/products.toml").path)
        let lines = try String(contentsOf: root.appendingPathComponent("Tests/TaggingTests/Fixtures/product-cases.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        let cases = try lines.map { try JSONDecoder().decode(Case.self, from: Data($0.utf8)) }
        #expect(cases.count >= 30)
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        var misses: [String] = []
        for item in cases {
            let found = Set(matcher.mentions(title: item.title, summary: item.summary).map { [$0.vendor, $0.product] })
            let expected = Set(item.expect)
            truePositives += found.intersection(expected).count
            falsePositives += found.subtracting(expected).count
            falseNegatives += expected.subtracting(found).count
            if found != expected { misses.append("\(item.id): found \(found.sorted { $0.joined() < $1.joined() }), expected \(expected.sorted { $0.joined() < $1.joined() })") }
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        print("products in text: \(cases.count) items, precision \(String(format: "%.3f", precision)), recall \(String(format: "%.3f", recall)) "
              + "(\(truePositives) found, \(falsePositives) wrong, \(falseNegatives) missed)\n" + misses.joined(separator: "\n"))
        #expect(precision >= 0.9 && recall >= 0.9)
    }

    /// Products stored advisories name are looked for too, always with their vendor (many are
    /// generic); they change no fingerprint, so a new advisory does not re-tag the archive.
    @Test func productsSeenInAdvisoriesAreFoundWithTheirVendor() {
        let listed = [ProductMatcher.Product(vendor: "Citrix", name: "NetScaler ADC")]
        let matcher = ProductMatcher(products: listed, seenInAdvisories: [VendorProduct(vendor: "Medirad", product: "PACS Server"),
                                                                          VendorProduct(vendor: "citrix", product: "netscaler adc")])
        #expect(matcher.products.count == 2, "a product the list has is not added twice")
        #expect(matcher.fingerprint == ProductMatcher(products: listed).fingerprint)
        #expect(matcher.mentions(title: "Une faille dans PACS Server", summary: "").isEmpty, "a generic name needs its vendor")
        #expect(matcher.mentions(title: "Medirad PACS Server : correctif", summary: "").map(\.product) == ["PACS Server"])
        #expect(matcher.mentions(title: "PACS Server vulnérable", summary: "Medirad publie un correctif.").map(\.product) == ["PACS Server"])
    }

    @Test func aNameThatIsAlsoAWordNeedsItsVendorAndTheWordsFoundAreKept() {
        let matcher = ProductMatcher(products: [
            .init(vendor: "Microsoft", name: "Exchange Server", aliases: ["Exchange"], requiresVendor: true),
            .init(vendor: "Citrix", name: "NetScaler ADC", aliases: ["Citrix ADC"]),
        ])
        #expect(matcher.mentions(title: "Exchange outage", summary: "").isEmpty)
        #expect(matcher.mentions(title: "Exchange servers attacked", summary: "Microsoft urges admins to patch.")
                == [ProductMention(vendor: "Microsoft", product: "Exchange Server", matchedText: "Exchange", field: "title")])
        let agfa = ProductMatcher(products: [.init(vendor: "Agfa HealthCare", name: "Enterprise Imaging", aliases: ["Agfa Enterprise Imaging"],
                                                   requiresVendor: true)])
        #expect(agfa.mentions(title: "Agfa Enterprise Imaging patched", summary: "").map(\.product) == ["Enterprise Imaging"],
                "the words matched name the vendor")
        #expect(agfa.mentions(title: "Enterprise imaging grows", summary: "").isEmpty)
        #expect(matcher.mentions(title: "Faille", summary: "Les boîtiers citrix adc sont visés.")
                == [ProductMention(vendor: "Citrix", product: "NetScaler ADC", matchedText: "citrix adc", field: "summary")])
    }
}
