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
    /// The words that named it in the item's text: « « FortiGate » (titre) ».
    var evidence: String?
}

extension SitePublisher {
    private static let itemsPerProductFeed = 50
    private static let slugLocale = Locale(identifier: "en_US_POSIX")

    /// "NetScaler ADC" → "netscaler-adc": lower case, accents and punctuation folded, at most 80
    /// characters; nil when nothing is left. "page" is taken by listings' pages.
    public static func productSlug(_ name: String) -> String? {
        let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: slugLocale).lowercased()
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

    /// The vendor/product pairs an item concerns: an advisory's structured products, else the
    /// products its text names.
    static func productsOf(_ item: PublishedItem) -> [VendorProduct] {
        // A KEV entry stored before pairs were kept still says its vendor and product.
        let structured = item.advisory?.vendorProducts
            ?? item.advisory?.knownExploited.flatMap { VendorProduct.from(vendor: $0.vendor, product: $0.product) }.map { [$0] } ?? []
        return structured + item.productMentions.map { VendorProduct(vendor: $0.vendor, product: $0.product) }
    }

    /// The vendors and products published items name (items newest first: the newest spelling
    /// names each), with the indexes of their items, vendors and products in name order.
    public struct ProductCatalog: Sendable {
        public struct Product: Sendable {
            public var key: String
            public var name: String
            /// « Medirad PACS Server »: the vendor's name first, unless the product's has it.
            public var title: String
            public var path: String
            public var items: [Int]
        }
        public struct Vendor: Sendable {
            public var key: String
            public var name: String
            public var path: String
            public var items: [Int]
            public var products: [Product]
        }
        public var vendors: [Vendor]
    }

    public static func productCatalog(_ items: [PublishedItem]) -> ProductCatalog {
        struct Grouped {
            var name: String
            var items: [Int] = []
            var products: [String: (name: String, items: [Int])] = [:]
        }
        var vendors: [String: Grouped] = [:]
        for (index, item) in items.enumerated() {
            var seenVendors = Set<String>(), seenProducts = Set<String>()
            for pair in productsOf(item) {
                guard let vendorKey = productSlug(pair.vendor), let productKey = productSlug(pair.product) else { continue }
                if vendors[vendorKey] == nil { vendors[vendorKey] = Grouped(name: pair.vendor) }
                if seenVendors.insert(vendorKey).inserted { vendors[vendorKey]!.items.append(index) }
                if seenProducts.insert(vendorKey + "/" + productKey).inserted {
                    vendors[vendorKey]!.products[productKey, default: (pair.product, [])].items.append(index)
                }
            }
        }
        func ordered(_ a: String, _ b: String) -> Bool { a.localizedStandardCompare(b) == .orderedAscending }
        return ProductCatalog(vendors: vendors.map { key, vendor in
            let path = "produits/\(key)/"
            let products = vendor.products.map { productKey, product in
                ProductCatalog.Product(key: productKey, name: product.name,
                                       title: product.name.lowercased().hasPrefix(vendor.name.lowercased()) ? product.name : "\(vendor.name) \(product.name)",
                                       path: path + productKey + "/", items: product.items)
            }.sorted { ordered($0.name, $1.name) }
            return ProductCatalog.Vendor(key: key, name: vendor.name, path: path, items: vendor.items, products: products)
        }.sorted { ordered($0.name, $1.name) })
    }

    func writeProductPages(_ catalog: ProductCatalog, views: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        var groups: [IndexGroup] = []
        var choices: [[String: Any]] = []
        func choice(_ title: String, _ path: String) {
            choices.append(["id": String(choices.count + 1),
                            "title": title, "path": path, "feed": site.baseURL + path + "atom.xml", "page": site.baseURL + path])
        }
        for vendor in catalog.vendors {
            try writeProductListing(vendor.items.map { views[$0] }, title: vendor.name, lead: strings["products_vendor_lead"],
                                    path: vendor.path, site: site, to: writer)
            var entries = [IndexEntry(title: vendor.name, path: vendor.path, count: vendor.items.count, detail: nil,
                                      countText: counted(vendor.items.count, "items_count"))]
            choice(vendor.name + " " + strings["parc_whole_vendor"], vendor.path)
            for product in vendor.products {
                try writeProductListing(product.items.map { views[$0] }, title: product.title, lead: strings["products_product_lead"],
                                        path: product.path, site: site, to: writer)
                entries.append(IndexEntry(title: product.title, path: product.path, count: product.items.count, detail: nil,
                                          countText: counted(product.items.count, "items_count")))
                choice(product.title, product.path)
            }
            groups.append(IndexGroup(title: vendor.name, entries: entries))
        }
        let index = IndexPage(frame: frame(site, path: "produits/"), title: strings["products_title"], lead: strings["products_lead"],
                              groups: groups)
        try writer.write(try render(index, "index-page"), at: "produits/")
        // « Mon parc »: the same choices, picked in the browser and turned into an OPML file there.
        try writer.write(try render(["frame": frame(site, path: "mon-parc/"), "products": choices, "hasProducts": !choices.isEmpty,
                                     "siteTitle": site.title] as [String: Any], "parc"), at: "mon-parc/")
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
