import Foundation
import Model

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
            let updated = Self.latestUpdate(of: tagItems) ?? site.generatedAt
            try writer.write(at: path + "atom.xml", fingerprint: fingerprint(["tag-feed", id, view.label, updated], feedItems.lazy.map(\.fingerprint))) {
                try render(AtomFeedPage(site: site, feedID: site.baseURL + path, title: "\(site.title) — \(view.label)",
                                        selfURL: feedURL, alternateURL: site.baseURL + path, updated: updated, items: feedItems, t: strings.values), "atom")
            }
            let entry = IndexEntry(title: view.label, path: path, count: tagItems.count, detail: nil,
                                   countText: counted(tagItems.count, "items_count"))
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
            entries.append(IndexEntry(title: sourceItems[0].sourceTitle, path: path, count: sourceItems.count, detail: nil,
                                      countText: counted(sourceItems.count, "items_count")))
        }
        entries.sort { $0.title.localizedStandardCompare($1.title) == .orderedAscending }
        let index = IndexPage(frame: frame(site, path: "sources/"), title: strings["sources_title"], lead: strings["sources_lead"],
                              groups: entries.isEmpty ? [] : [IndexGroup(title: strings["sources_title"], entries: entries)])
        try writer.write(try render(index, "index-page"), at: "sources/")
    }

    /// The newest items at `path`, older ones at `path/page/N/`, numbered from the oldest: page N
    /// keeps showing the same items as the archive grows, so a new item re-renders its listings'
    /// first pages, not every page (a tag of a large archive has hundreds). The first page holds
    /// what does not fill the archived pages: from one to two pages' worth.
    func writeListing(_ items: [ItemView], title: String, lead: String?, feedURL: String?, path: String,
                              site: SiteView, to writer: SiteWriter) throws {
        let layout = ListingLayout(itemCount: items.count, pageSize: Self.pageSize)
        @Sendable func pagePath(_ number: Int) -> String { number == layout.newest ? path : path + "page/\(number)/" }
        let numbers = Array((1...layout.newest).reversed())
        let pages = numbers.map { number in
            // The newest page is linked by name, not number: its number grows with the archive.
            let window = layout.window(around: number).map { $0 == layout.newest ? "newest" : $0.map(String.init) ?? "…" }
                .joined(separator: " ")
            return (pagePath(number), fingerprint(["listing", title, lead ?? "", feedURL ?? "", "\(number)", window],
                                                  items[layout.range(of: number)].lazy.map(\.fingerprint)))
        }
        try writer.writeAll(pages) { index in
            let number = numbers[index]
            let window = layout.window(around: number)
            let links = window.count == 1 ? [] : window.map { linked in
                linked.map { PageLink(number: $0, path: pagePath($0), isCurrent: $0 == number, isNewest: $0 == layout.newest) } ?? PageLink.gap
            }
            let page = ListingPage(frame: frame(site, path: pagePath(number)), title: title, lead: lead, feedURL: feedURL,
                                   items: Array(items[layout.range(of: number)]), pages: links, hasPages: !links.isEmpty,
                                   previousPath: number < layout.newest ? pagePath(number + 1) : nil,
                                   nextPath: number > 1 ? pagePath(number - 1) : nil, pageNumber: number,
                                   isArchivedPage: number < layout.newest)
            return try renderUTF8(page, "listing")
        }
    }

    func writeItemPages(_ items: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        try writer.writeAll(items.map { ($0.path, fingerprint(["item", $0.fingerprint])) }) { index in
            try renderUTF8(ItemPage(frame: frame(site, path: items[index].path), item: items[index]), "item-page")
        }
    }

    /// A withdrawn item keeps its page, which says when it was withdrawn and nothing of its text.
    func writeWithdrawnPages(_ items: [PublishedItem], site: SiteView, to writer: SiteWriter) throws {
        for item in items {
            let path = "items/\(item.stableKey)/"
            let withdrawnAt = item.decidedAt ?? item.listedAt
            let link = item.link.flatMap { Self.isPublishableLink($0) ? $0 : nil }
            let page = WithdrawnPage(frame: frame(site, path: path), title: item.title, sourceTitle: item.sourceTitle, link: link,
                                     dateISO: ISO8601UTC.string(from: withdrawnAt), dateHuman: dates.day(withdrawnAt))
            try writer.write(at: path, fingerprint: fingerprint(["withdrawn", item.stableKey, item.title, item.sourceTitle, link ?? "",
                                                                 page.dateISO])) {
                try render(page, "withdrawn")
            }
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

/// How a listing of `itemCount` items (newest first) is cut into pages numbered from the oldest:
/// pages 1 to `newest - 1` hold `pageSize` items each; the newest page, at the listing's own
/// address, holds the rest.
struct ListingLayout: Sendable {
    let itemCount: Int
    let pageSize: Int

    /// The number of the newest page (1 when everything fits on one page).
    var newest: Int { max(1, itemCount / pageSize) }

    /// Indices (in the newest-first list) of page `number`'s items.
    func range(of number: Int) -> Range<Int> {
        guard number < newest else { return 0..<(itemCount - (newest - 1) * pageSize) }
        return (itemCount - number * pageSize)..<(itemCount - (number - 1) * pageSize)
    }

    /// The pages a page links to, newest first: the newest, two either side of itself and the
    /// oldest, with nil where pages are skipped. It depends on how many pages there are only near
    /// the newest, so that older pages stay as they were.
    func window(around number: Int) -> [Int?] {
        let shown = Set([newest, 1] + ((number - 2)...(number + 2)).filter { (1...newest).contains($0) })
        var links: [Int?] = []
        for page in shown.sorted(by: >) {
            if let last = links.last, let previous = last, previous - page > 1 { links.append(nil) }
            links.append(page)
        }
        return links
    }
}
