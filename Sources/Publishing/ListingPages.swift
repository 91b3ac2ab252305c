import Foundation

/// Tag and source pages: each a paginated listing of its items (newest first), with an index
/// page of all tags and of all sources; each tag also has its Atom feed.
extension SitePublisher {
    private static let itemsPerTagFeed = 50

    func writeTagPages(_ items: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        var byTag: [String: [ItemView]] = [:]
        for item in items { for tag in item.tags { byTag[tag.id, default: []].append(item) } }
        let ordered = tagOrder.filter { byTag[$0] != nil } + byTag.keys.filter { tagsByID[$0] == nil }.sorted()
        var groups: [IndexGroup] = []
        for id in ordered {
            let tagItems = byTag[id] ?? []
            let view = tagItems[0].tags.first { $0.id == id }!
            let path = Self.tagPath(id)
            let feedURL = site.baseURL + path + "atom.xml"
            try writeListing(tagItems, title: view.label, lead: view.groupLabel, feedURL: feedURL, path: path, site: site, to: writer)
            let feedItems = Array(tagItems.prefix(Self.itemsPerTagFeed))
            let updated = tagItems.map(\.updatedISO).max() ?? site.generatedAt
            try writer.write(at: path + "atom.xml", fingerprint: fingerprint(["tag-feed", id, view.label, updated] + feedItems.map(\.fingerprint))) {
                try render(AtomFeedPage(site: site, feedID: site.baseURL + path, title: "\(site.title) — \(view.label)",
                                        selfURL: feedURL, alternateURL: site.baseURL + path, updated: updated, items: feedItems), "atom")
            }
            let entry = IndexEntry(title: view.label, path: path, count: tagItems.count, detail: nil)
            if let index = groups.firstIndex(where: { $0.title == view.groupLabel }) { groups[index].entries.append(entry) } else {
                groups.append(IndexGroup(title: view.groupLabel, entries: [entry]))
            }
        }
        let index = IndexPage(frame: frame(site, path: "tags/"), title: strings["tags_title"], lead: strings["tags_lead"], groups: groups)
        try writer.write(try render(index, "index-page"), at: "tags/")
    }

    func writeSourcePages(_ items: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        var bySource: [String: [ItemView]] = [:]
        for item in items { bySource[item.sourceID, default: []].append(item) }
        var entries: [IndexEntry] = []
        for id in bySource.keys.sorted() {
            let sourceItems = bySource[id]!
            let path = Self.sourcePath(id)
            try writeListing(sourceItems, title: sourceItems[0].sourceTitle, lead: nil, feedURL: nil, path: path, site: site, to: writer)
            entries.append(IndexEntry(title: sourceItems[0].sourceTitle, path: path, count: sourceItems.count, detail: nil))
        }
        entries.sort { $0.title.localizedStandardCompare($1.title) == .orderedAscending }
        let index = IndexPage(frame: frame(site, path: "sources/"), title: strings["sources_title"], lead: strings["sources_lead"],
                              groups: entries.isEmpty ? [] : [IndexGroup(title: strings["sources_title"], entries: entries)])
        try writer.write(try render(index, "index-page"), at: "sources/")
    }

    /// Page 1 at `path`, page n at `path/page/n/`.
    private func writeListing(_ items: [ItemView], title: String, lead: String?, feedURL: String?, path: String,
                              site: SiteView, to writer: SiteWriter) throws {
        let pageCount = max(1, (items.count + Self.pageSize - 1) / Self.pageSize)
        let pageSize = Self.pageSize
        @Sendable func pagePath(_ number: Int) -> String { number == 1 ? path : path + "page/\(number)/" }
        @Sendable func slice(_ number: Int) -> [ItemView] { Array(items.dropFirst((number - 1) * pageSize).prefix(pageSize)) }
        let pages = (1...pageCount).map { number in
            (pagePath(number), fingerprint(["listing", title, lead ?? "", feedURL ?? "", "\(number)/\(pageCount)"] + slice(number).map(\.fingerprint)))
        }
        try writer.writeAll(pages) { index in
            let number = index + 1
            let links = pageCount == 1 ? [] : (1...pageCount).map { PageLink(number: $0, path: pagePath($0), isCurrent: $0 == number) }
            let page = ListingPage(frame: frame(site, path: pagePath(number)), title: title, lead: lead, feedURL: feedURL, items: slice(number),
                                   pages: links, hasPages: !links.isEmpty,
                                   previousPath: number > 1 ? pagePath(number - 1) : nil,
                                   nextPath: number < pageCount ? pagePath(number + 1) : nil, pageNumber: number)
            return try render(page, "listing")
        }
    }

    func writeItemPages(_ items: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        try writer.writeAll(items.map { ($0.path, fingerprint(["item", $0.fingerprint])) }) { index in
            try render(ItemPage(frame: frame(site, path: items[index].path), item: items[index]), "item-page")
        }
    }

    /// `Templates/pages/NAME.mustache` → `NAME/`: about, accessibility statement, legal notice,
    /// personal data; written as editors wrote them.
    func writeStaticPages(site: SiteView, to writer: SiteWriter) throws {
        for name in templates.names(under: "pages/") {
            let path = String(name.dropFirst("pages/".count)) + "/"
            try writer.write(try render(StaticPage(frame: frame(site, path: path)), name), at: path)
        }
    }
}
