import Foundation

/// The site's feeds and indexes: Atom (latest items), JSON Feed 1.1, the search index read by
/// the browser, the sitemap and robots.txt.
extension SitePublisher {
    /// The summary text each item gives the browser's search.
    static let searchTextScalars = 400

    func writeFeeds(_ items: [ItemView], products: ProductCatalog = ProductCatalog(vendors: []), site: SiteView, to writer: SiteWriter) throws {
        let latest = Array(items.prefix(self.site.itemsOnHome))
        let updated = Self.latestUpdate(of: latest) ?? site.generatedAt
        let latestPrint = fingerprint(["latest", updated], latest.lazy.map(\.fingerprint))
        try writer.write(at: "atom.xml", fingerprint: latestPrint) {
            try render(AtomFeedPage(site: site, feedID: site.baseURL, title: site.title, selfURL: site.atomURL, alternateURL: site.baseURL,
                                    updated: updated, items: latest, t: strings.values), "atom")
        }
        try writer.write(at: "feed.json", fingerprint: latestPrint) { try jsonFeed(latest, site: site) }
        // For health IT staff who want only what to act on.
        let urgent = Array(items.lazy.filter(\.isUrgent).prefix(self.site.itemsOnHome))
        let urgentUpdated = Self.latestUpdate(of: urgent) ?? site.generatedAt
        try writer.write(at: "urgent/atom.xml", fingerprint: fingerprint(["urgent", urgentUpdated], urgent.lazy.map(\.fingerprint))) {
            try render(AtomFeedPage(site: site, feedID: site.baseURL + "urgent/", title: "\(site.title) — \(strings["priority_title"])",
                                    selfURL: site.baseURL + "urgent/atom.xml", alternateURL: site.baseURL, updated: urgentUpdated,
                                    items: urgent, t: strings.values), "atom")
        }
        try writeSearchIndex(items, products: products, to: writer)
    }

    /// The browser's search index, one file per month of listing (`search/YYYY-MM.json`), listed
    /// newest first by `search.json`: the daily run rewrites the current month's, not the whole
    /// archive's.
    private func writeSearchIndex(_ items: [ItemView], products: ProductCatalog, to writer: SiteWriter) throws {
        var byMonth: [String: [ItemView]] = [:]
        for item in items { byMonth[String(item.dayKey.prefix(7)), default: []].append(item) }
        let months = byMonth.keys.sorted(by: >)
        for month in months {
            let monthItems = byMonth[month]!
            try writer.write(at: "search/\(month).json", fingerprint: fingerprint(["search", month], monthItems.lazy.map(\.fingerprint))) {
                searchIndex(monthItems)
            }
        }
        try writer.write(at: "search/synonyms.json", fingerprint: fingerprint(["synonyms"] + synonyms.groups.map { $0.joined(separator: "|") })) {
            SearchStems.synonymsJSON(synonyms)
        }
        // Vendors and products first: a reader typing « FortiGate » finds its page before its news.
        var files = months.map { "search/\($0).json" }
        if !products.vendors.isEmpty {
            let entries = products.vendors.flatMap { vendor in
                [(vendor.name, vendor.path, vendor.items.count)] + vendor.products.map { ($0.title, $0.path, $0.items.count) }
            }
            try writer.write(at: "search/produits.json", fingerprint: fingerprint(["search-products"] + entries.map { "\($0.0)|\($0.1)|\($0.2)" })) {
                var json = JSONText(capacity: entries.count * 120)
                var stems = SearchStems()
                json.raw("[")
                for (index, entry) in entries.enumerated() {
                    json.raw(index == 0 ? "{" : ",{")
                    json.member("d", counted(entry.2, "items_count"), first: true)
                    json.member("g", strings["nav_products"])
                    json.member("k", stems.pairs(of: entry.0))
                    json.member("p", entry.1)
                    json.member("s", strings["search_product_page"])
                    json.member("t", entry.0)
                    json.member("x", "")
                    json.raw("}")
                }
                json.raw("]")
                return json.text
            }
            files.insert("search/produits.json", at: 0)
        }
        var list = JSONText(capacity: files.count * 24)
        list.raw("[")
        for (index, file) in files.enumerated() {
            if index > 0 { list.raw(",") }
            list.string(file)
        }
        list.raw("]")
        try writer.write(list.text, at: "search.json")
    }

    /// JSON Feed 1.1 (https://jsonfeed.org/version/1.1), built as data rather than through a
    /// template so that it is always valid JSON.
    private func jsonFeed(_ items: [ItemView], site: SiteView) throws -> String {
        let feed: [String: Any] = [
            "version": "https://jsonfeed.org/version/1.1",
            "title": site.title, "description": site.description, "language": site.language,
            "home_page_url": site.baseURL, "feed_url": site.jsonFeedURL,
            "items": items.map { item -> [String: Any] in
                var entry: [String: Any] = [
                    "id": item.entryID, "url": item.url, "title": item.title, "date_published": item.dateISO,
                    "date_modified": item.updatedISO, "content_text": item.summaryText,
                    "tags": item.tags.map(\.label), "authors": [["name": item.authors ?? item.sourceTitle]],
                ]
                if let html = item.summaryHTML { entry["content_html"] = html }
                if let link = item.link { entry["external_url"] = link }
                if let language = item.language { entry["language"] = language }
                return entry
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: feed, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// What the browser's search reads of a month: per item its page, title, source, day, tags and
    /// text, and the stems of the words it shows (`SearchStems`).
    private func searchIndex(_ items: [ItemView]) -> String {
        var json = JSONText(capacity: items.count * 900)
        var stems = SearchStems()
        json.raw("[")
        for (index, item) in items.enumerated() {
            json.raw(index == 0 ? "{" : ",{")
            let tags = item.tags.map(\.label).joined(separator: " ")
            let text = String(item.summaryText.unicodeScalars.prefix(Self.searchTextScalars))
            json.member("d", item.dayKey, first: true)
            json.member("g", tags)
            json.member("k", stems.pairs(of: [item.title, item.sourceTitle, tags, text].joined(separator: " ")))
            json.member("p", item.path)
            json.member("s", item.sourceTitle)
            json.member("t", item.title)
            json.member("x", text)
            json.raw("}")
        }
        json.raw("]")
        return json.text
    }

    func writeSitemapAndRobots(to writer: SiteWriter) throws {
        let paths = writer.htmlPaths  // in the order pages were written: the same on every run
        try writer.write(at: "sitemap.xml", fingerprint: fingerprint(["sitemap", site.baseURL], paths)) {
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
            xml.reserveCapacity(paths.count * (site.baseURL.utf8.count + 40))
            for path in paths {
                xml += "  <url><loc>"
                xml += Self.xmlEscaped(site.baseURL + path)
                xml += "</loc></url>\n"
            }
            xml += "</urlset>\n"
            return xml
        }
        try writer.write("User-agent: *\nAllow: /\nSitemap: \(site.baseURL)sitemap.xml\n", at: "robots.txt")
    }

    static func xmlEscaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
