import Foundation
import Model

/// A page and an Atom feed per vendor (`produits/VENDOR/`) and per product
/// (`produits/VENDOR/PRODUCT/`), for readers who follow their own equipment rather than the
/// whole sector: the advisories, exploited flaws, fixes and news about it, newest first, urgent
/// marked. An index lists vendors and their products with counts. Only products named by
/// published items get pages. Products come from what advisories structure (each vendor with
/// each product); spellings that differ only by case, accents or punctuation are one product.
struct ProductLink: Sendable {
    var title: String
    var path: String
}

extension SitePublisher {
    private static let itemsPerProductFeed = 50

    /// "NetScaler ADC" → "netscaler-adc": lower case, accents and punctuation folded, at most 80
    /// characters; nil when nothing is left. "page" is taken by listings' pages.
    static func productSlug(_ name: String) -> String? {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX")).lowercased()
        var slug = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        slug = String(slug.prefix(80))
        while slug.hasSuffix("-") { slug.removeLast() }
        guard !slug.isEmpty else { return nil }
        return slug == "page" ? "page-produit" : slug
    }

    static func productPath(vendor: String, product: String? = nil) -> String? {
        guard let vendorKey = productSlug(vendor) else { return nil }
        guard let product else { return "produits/\(vendorKey)/" }
        return productSlug(product).map { "produits/\(vendorKey)/\($0)/" }
    }

    /// The vendor/product pairs an item concerns (advisories' structured products).
    static func productsOf(_ item: PublishedItem) -> [VendorProduct] {
        item.advisory?.vendorProducts ?? []
    }

    func writeProductPages(_ items: [PublishedItem], views: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        struct Grouped {
            var name: String
            var items: [Int] = []
            var products: [String: (name: String, items: [Int])] = [:]
        }
        var vendors: [String: Grouped] = [:]
        for (index, item) in items.enumerated() {
            var seenVendors = Set<String>(), seenProducts = Set<String>()
            for pair in Self.productsOf(item) {
                guard let vendorKey = Self.productSlug(pair.vendor), let productKey = Self.productSlug(pair.product) else { continue }
                // Items are newest first: the newest spelling names the product.
                if vendors[vendorKey] == nil { vendors[vendorKey] = Grouped(name: pair.vendor) }
                if seenVendors.insert(vendorKey).inserted { vendors[vendorKey]!.items.append(index) }
                if seenProducts.insert(vendorKey + "/" + productKey).inserted {
                    vendors[vendorKey]!.products[productKey, default: (pair.product, [])].items.append(index)
                }
            }
        }
        var groups: [IndexGroup] = []
        for vendorKey in vendors.keys.sorted(by: { vendors[$0]!.name.localizedStandardCompare(vendors[$1]!.name) == .orderedAscending }) {
            let vendor = vendors[vendorKey]!
            let vendorPath = "produits/\(vendorKey)/"
            try writeProductListing(vendor.items.map { views[$0] }, title: vendor.name, lead: strings["products_vendor_lead"],
                                    path: vendorPath, site: site, to: writer)
            var entries = [IndexEntry(title: vendor.name, path: vendorPath, count: vendor.items.count, detail: nil,
                                      countText: counted(vendor.items.count, "items_count"))]
            for productKey in vendor.products.keys.sorted(by: {
                vendor.products[$0]!.name.localizedStandardCompare(vendor.products[$1]!.name) == .orderedAscending }) {
                let product = vendor.products[productKey]!
                let title = product.name.lowercased().hasPrefix(vendor.name.lowercased()) ? product.name : "\(vendor.name) \(product.name)"
                try writeProductListing(product.items.map { views[$0] }, title: title, lead: strings["products_product_lead"],
                                        path: vendorPath + productKey + "/", site: site, to: writer)
                entries.append(IndexEntry(title: title, path: vendorPath + productKey + "/", count: product.items.count, detail: nil,
                                          countText: counted(product.items.count, "items_count")))
            }
            groups.append(IndexGroup(title: vendor.name, entries: entries))
        }
        let index = IndexPage(frame: frame(site, path: "produits/"), title: strings["products_title"], lead: strings["products_lead"],
                              groups: groups)
        try writer.write(try render(index, "index-page"), at: "produits/")
    }

    /// A product's or a vendor's listing and its Atom feed.
    private func writeProductListing(_ items: [ItemView], title: String, lead: String, path: String, site: SiteView,
                                     to writer: SiteWriter) throws {
        let feedURL = site.baseURL + path + "atom.xml"
        try writeListing(items, title: title, lead: lead, feedURL: feedURL, path: path, site: site, to: writer)
        let feedItems = Array(items.prefix(Self.itemsPerProductFeed))
        let updated = Self.latestUpdate(of: items) ?? site.generatedAt
        try writer.write(at: path + "atom.xml", fingerprint: fingerprint(["product-feed", path, title, updated], feedItems.lazy.map(\.fingerprint))) {
            try render(AtomFeedPage(site: site, feedID: site.baseURL + path, title: "\(site.title) — \(title)", selfURL: feedURL,
                                    alternateURL: site.baseURL + path, updated: updated, items: feedItems, t: strings.values), "atom")
        }
    }
}
