import Foundation

/// The daily editions: one page per day that has items (`editions/YYYY-MM-DD/`), the latest
/// also as the home page, an Atom feed with one entry per edition, and the archives by month.
extension SitePublisher {
    /// Tags that make an item an incident or a threat report, for the edition's themes.
    private static let incidentTags: Set<String> = ["rancongiciel", "hameconnage", "fuite-de-donnees", "ddos", "supply-chain"]
    private static let editionsInFeed = 30
    private static let urgencyRank = ["urgent": 2, "high": 1]
    private static let previousEditionsShown = 7

    /// `priority`: the urgent items the home page puts first (« À traiter en priorité »).
    func writeEditions(_ items: [ItemView], priority: [ItemView], site: SiteView, to writer: SiteWriter) throws {
        let days = Self.groupByDay(items)
        let links = days.map {
            EditionLink(dateISO: $0.dateISO, dateHuman: $0.dateHuman, path: "editions/\($0.dateISO)/", count: $0.items.count)
        }
        for (index, day) in days.enumerated() {
            let previous = Array(links.dropFirst(index + 1).prefix(Self.previousEditionsShown))
            for path in index == 0 ? ["", links[index].path] : [links[index].path] {
                let shown = path.isEmpty ? priority : []
                let print = fingerprint(["edition", path, day.dateISO, path.isEmpty ? site.generatedAt : ""]
                                        + day.items.map(\.fingerprint) + previous.map { "\($0.path)|\($0.count)" }
                                        + ["priority"] + shown.map(\.fingerprint))
                try writer.write(at: path, fingerprint: print) {
                    // Sorting into themes is left for the editions that changed.
                    let page = EditionPage(frame: frame(site, path: path), dateISO: day.dateISO, dateHuman: day.dateHuman,
                                           isHome: path.isEmpty, itemCount: day.items.count,
                                           itemCountText: counted(day.items.count, "edition_lead"), themes: themes(day.items),
                                           isEmpty: day.items.isEmpty, previousEditions: previous, hasPreviousEditions: !previous.isEmpty,
                                           priority: shown)
                    return try render(page, "edition")
                }
            }
        }
        if days.isEmpty {
            let page = EditionPage(frame: frame(site, path: ""), dateISO: "", dateHuman: site.generatedAtHuman, isHome: true,
                                   itemCount: 0, itemCountText: counted(0, "edition_lead"), themes: [], isEmpty: true, previousEditions: [], hasPreviousEditions: false,
                                   priority: priority)
            try writer.write(try render(page, "edition"), at: "")
        }

        let entries = days.prefix(Self.editionsInFeed).map { day in
            EditionEntry(entryID: "tag:\(host),2026:edition/\(day.dateISO)", url: site.baseURL + "editions/\(day.dateISO)/",
                         title: "\(strings["edition_of"]) \(day.dateHuman)",
                         dateISO: Self.latestUpdate(of: day.items) ?? site.generatedAt,
                         summary: day.items.map { "• \($0.title)" }.joined(separator: "\n"),
                         contentHTML: "<ul>" + day.items.map { item in
                             "<li><a href=\"\(Self.html(item.url))\">\(Self.html(item.title))</a> — \(Self.html(item.sourceTitle))"
                                 + (item.urgencyLabel.map { " — <strong>\(Self.html($0))</strong>" } ?? "") + "</li>"
                         }.joined() + "</ul>")
        }
        let feed = EditionsFeedPage(site: site, feedID: site.baseURL + "editions/", title: "\(site.title) — \(strings["nav_home"])",
                                    selfURL: site.baseURL + "editions/atom.xml", updated: entries.first?.dateISO ?? site.generatedAt,
                                    editions: Array(entries))
        try writer.write(try render(feed, "editions-atom"), at: "editions/atom.xml")

        var months: [IndexGroup] = []
        for link in links {
            let month = String(link.dateISO.prefix(7))
            let entry = IndexEntry(title: link.dateHuman, path: link.path, count: link.count, detail: nil,
                                   countText: counted(link.count, "items_count"))
            if months.last?.title == month { months[months.count - 1].entries.append(entry) } else {
                months.append(IndexGroup(title: month, entries: [entry]))
            }
        }
        months = months.map { IndexGroup(title: monthName($0.title), entries: $0.entries) }
        let archives = IndexPage(frame: frame(site, path: "archives/"), title: strings["archives_title"],
                                 lead: strings["archives_lead"], groups: months)
        try writer.write(try render(archives, "index-page"), at: "archives/")
    }

    /// Pinned items first, then alerts (urgent or known exploited), incidents, vulnerabilities, the
    /// rest; within a theme, by urgency, then known-exploited, then health score, then newest.
    private func themes(_ items: [ItemView]) -> [ThemeView] {
        var pinned: [ItemView] = [], alerts: [ItemView] = [], incidents: [ItemView] = [], vulnerabilities: [ItemView] = [], other: [ItemView] = []
        for item in items {
            let tags = Set(item.tags.map(\.id))
            if item.pinned {
                pinned.append(item)  // an editor put it at the top
            } else if item.isUrgent || item.knownExploited || tags.contains("exploitation-active") {
                alerts.append(item)
            } else if !tags.isDisjoint(with: Self.incidentTags) {
                incidents.append(item)
            } else if tags.contains("vulnerabilite") || item.hasCVEs {
                vulnerabilities.append(item)
            } else {
                other.append(item)
            }
        }
        func bySeverity(_ items: [ItemView]) -> [ItemView] {
            items.enumerated().sorted { a, b in
                let (x, y) = (a.element, b.element)
                let (ux, uy) = (Self.urgencyRank[x.urgency] ?? 0, Self.urgencyRank[y.urgency] ?? 0)
                if ux != uy { return ux > uy }
                if x.knownExploited != y.knownExploited { return x.knownExploited }
                if x.score != y.score { return x.score > y.score }  // "0.00" to "1.00": text order is number order
                return a.offset < b.offset
            }.map(\.element)
        }
        return [("a-la-une", "theme_pinned", pinned), ("alertes", "theme_alerts", alerts), ("incidents", "theme_incidents", incidents),
                ("vulnerabilites", "theme_vulnerabilities", vulnerabilities), ("autres", "theme_other", other)]
            .filter { !$0.2.isEmpty }
            .map { ThemeView(id: $0.0, title: strings[$0.1], items: bySeverity($0.2)) }
    }

    private func monthName(_ key: String) -> String {
        let parts = key.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return key }
        return dates.month(year: parts[0], month: parts[1])
    }

    /// Items come newest first by the date they are listed at; each day of the site's time zone
    /// gets one edition.
    static func groupByDay(_ items: [ItemView]) -> [DayView] {
        var days: [DayView] = []
        for item in items {
            if days.last?.dateISO == item.dayKey {
                days[days.count - 1].items.append(item)
            } else {
                days.append(DayView(dateISO: item.dayKey, dateHuman: item.dayHuman, items: [item]))
            }
        }
        return days
    }
}
