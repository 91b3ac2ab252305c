import Config
import Foundation
import Model

/// The vendors' products a news item names in its text, from the list of Feeds/products.toml:
/// each product by its name or an alias (« Citrix ADC » is NetScaler ADC), whole words, case
/// and accents ignored, explained like the tags (the words found, and where). A name that is
/// also an ordinary word or a company (`requires_vendor`: « Exchange », « Gateway ») counts only
/// when the vendor is named too; a vendor's name alone (« Fortinet », the company) names no
/// product. Advisories name theirs as data (AdvisoryFacts.vendorProducts): this is for the rest.
public struct ProductMatcher: Sendable {
    public struct Product: Sendable, Equatable {
        public var vendor: String
        public var name: String
        public var aliases: [String]
        public var requiresVendor: Bool

        public init(vendor: String, name: String, aliases: [String] = [], requiresVendor: Bool = false) {
            self.vendor = vendor
            self.name = name
            self.aliases = aliases
            self.requiresVendor = requiresVendor
        }
    }

    public let products: [Product]
    /// Changes whenever the list does: items are matched again.
    public let fingerprint: String
    private let matcher: TermMatcher
    private let vendors: TermMatcher
    private let vendorNames: [String]

    /// `seenInAdvisories`: the products stored advisories name (always with their vendor named
    /// too, since many are generic: « PACS Server »). They are not part of the fingerprint: a new
    /// advisory does not re-tag the archive; items tagged from then on are matched against it.
    public init(products listed: [Product], seenInAdvisories: [VendorProduct] = []) {
        var known = Set(listed.map { ProductMatcher.key($0.vendor, $0.name) })
        var products = listed
        for pair in seenInAdvisories where known.insert(ProductMatcher.key(pair.vendor, pair.product)).inserted {
            products.append(Product(vendor: pair.vendor, name: pair.product, requiresVendor: true))
        }
        self.products = products
        matcher = TermMatcher(rules: products.enumerated().map { index, product in
            Taxonomy.Rule(id: "product.\(index)", tagID: nil, weight: 0,
                          terms: [product.name, "\(product.vendor) \(product.name)"] + product.aliases, caseSensitive: false)
        })
        vendorNames = Array(Set(products.map(\.vendor))).sorted()
        vendors = TermMatcher(rules: vendorNames.enumerated().map { index, vendor in
            Taxonomy.Rule(id: "vendor.\(index)", tagID: nil, weight: 0, terms: [vendor], caseSensitive: false)
        })
        fingerprint = StableHash.hex(listed.map { ([$0.vendor, $0.name] + $0.aliases + [$0.requiresVendor ? "v" : ""]).joined(separator: "|") })
    }

    private static func key(_ vendor: String, _ product: String) -> String {
        (vendor + "|" + product).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
    }

    /// The products named in the title and the summary (plain text), each once, title first.
    public func mentions(title: String, summary: String) -> [ProductMention] {
        mentions(title: title, summary: summary, titleWords: nil, summaryWords: nil)
    }

    /// The same, from words the classifier already split (each text is split once per tagging).
    func mentions(title: String, summary: String, titleWords: WordTokenizer.ScannedWords?,
                  summaryWords: WordTokenizer.ScannedWords?) -> [ProductMention] {
        let fields = [("title", title, titleWords ?? WordTokenizer.scan(title)), ("summary", summary, summaryWords ?? WordTokenizer.scan(summary))]
        let named = Set(fields.flatMap { _, text, words in vendors.scan(text, words: words).matches.map { vendorNames[$0.ruleIndex] } })
        var found: [ProductMention] = []
        var seen = Set<Int>()
        for (field, text, words) in fields where !text.isEmpty {
            let utf8 = Array(text.utf8)
            for match in matcher.scan(text, words: words).matches where !seen.contains(match.ruleIndex) {
                let product = products[match.ruleIndex]
                let matched = String(decoding: utf8[match.range], as: UTF8.self)
                // A generic name needs its vendor: named anywhere in the item, or in the words matched
                // (« Agfa Enterprise Imaging », « Cisco ASA »).
                guard !product.requiresVendor || named.contains(product.vendor)
                    || Self.namesVendor(matched, product.vendor) else { continue }
                seen.insert(match.ruleIndex)
                found.append(ProductMention(vendor: product.vendor, product: product.name, matchedText: matched, field: field))
            }
        }
        return found
    }

    /// Whether `matched` holds the vendor's first word (« Agfa » of « Agfa HealthCare »), case ignored.
    static func namesVendor(_ matched: String, _ vendor: String) -> Bool {
        guard let first = vendor.split(separator: " ").first, first.count >= 3 else { return false }
        return matched.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0 == first.lowercased() }
    }

    /// Feeds/products.toml: `[[product]]` with `vendor`, `name`, `aliases` and `requires_vendor`.
    public static func load(path: String, seenInAdvisories: [VendorProduct] = []) throws -> ProductMatcher {
        let file = try TOMLFile(path: path)
        var products: [Product] = []
        for entry in try file.entries("product") {
            try entry.checkKeys(["vendor", "name", "aliases", "requires_vendor"])
            let vendor = try entry.requiredString("vendor"), name = try entry.requiredString("name")
            guard !vendor.trimmingCharacters(in: .whitespaces).isEmpty, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw entry.error("`vendor` and `name` are not empty")
            }
            products.append(Product(vendor: vendor, name: name, aliases: try entry.strings("aliases") ?? [],
                                    requiresVendor: try entry.bool("requires_vendor") ?? false))
        }
        return ProductMatcher(products: products, seenInAdvisories: seenInAdvisories)
    }
}
