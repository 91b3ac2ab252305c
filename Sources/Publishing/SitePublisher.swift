import Configuration
import Foundation
import Model
import Mustache

/// Renders the site into the output folder, all or nothing.
public struct SitePublisher: Sendable {
    public struct Report: Sendable, Equatable {
        /// HTML pages and feeds written (assets not counted).
        public var pagesWritten: Int
        public var outputDirectory: String
    }

    let templates: TemplateSet
    let templatesDirectory: String
    let site: SiteSettings
    let tagsByID: [String: TagDefinition]
    let dates: HumanDates

    public init(templatesDirectory: String, site: SiteSettings, tags: [TagDefinition]) throws {
        self.templates = try TemplateSet(directory: templatesDirectory, required: ["index", "atom"])
        self.templatesDirectory = templatesDirectory
        self.site = site
        self.tagsByID = Dictionary(tags.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        guard let timeZone = TimeZone(identifier: site.timeZone) else {
            throw PublishError("unknown time zone \"\(site.timeZone)\" (expected an IANA name such as Europe/Paris)")
        }
        self.dates = HumanDates(language: site.language, timeZone: timeZone)
    }

    public func publish(items: [PublishedItem], to outputDirectory: String, now: Date = Date()) throws -> Report {
        let output = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let staging = try StagingDirectory(for: output)
        var pages = 0
        do {
            let siteView = makeSiteView(now: now)
            let views = items.map { itemView($0) }

            let home = HomePage(site: siteView, rootPath: "", days: groupByDay(views), itemCount: views.count,
                                healthCount: views.filter(\.health).count, isEmpty: views.isEmpty)
            try staging.write(try templates.render(home, "index"), to: "index.html")
            pages += 1

            let feed = AtomFeedPage(site: siteView, feedID: site.baseURL, updated: views.map(\.updatedISO).max() ?? siteView.generatedAt,
                                    items: views)
            try staging.write(try templates.render(feed, "atom"), to: "atom.xml")
            pages += 1

            try staging.copyAssets(from: URL(fileURLWithPath: templatesDirectory).appendingPathComponent("assets"))
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
        return Report(pagesWritten: pages, outputDirectory: output.path)
    }

    private func makeSiteView(now: Date) -> SiteView {
        SiteView(title: site.title, description: site.description, baseURL: site.baseURL, language: site.language,
                 atomURL: site.baseURL + "atom.xml", generatedAt: ISO8601UTC.string(from: now),
                 generatedAtHuman: dates.day(now))
    }

    func itemView(_ item: PublishedItem) -> ItemView {
        var tags: [TagView] = []
        for evidence in item.tags where !evidence.tagID.isEmpty && !tags.contains(where: { $0.id == evidence.tagID }) {
            let definition = tagsByID[evidence.tagID]
            let label = site.language.hasPrefix("en") ? definition?.labelEN : definition?.labelFR
            let field = Self.fieldNames[site.language.hasPrefix("en") ? "en" : "fr"]?[evidence.field] ?? evidence.field
            tags.append(TagView(id: evidence.tagID, label: label ?? evidence.tagID, group: definition?.group ?? "",
                                evidence: "« \(evidence.matchedText) » (\(field))"))
        }
        let host = URL(string: site.baseURL)?.host ?? "cyberveille"
        return ItemView(
            entryID: "tag:\(host),2026:item/\(item.stableKey)",
            title: item.title.isEmpty ? (site.language.hasPrefix("en") ? "(untitled)" : "(sans titre)") : item.title,
            link: item.link.flatMap { Self.isPublishableLink($0) ? $0 : nil },
            sourceTitle: item.sourceTitle,
            dateISO: ISO8601UTC.string(from: item.displayDate),
            dateHuman: dates.day(item.displayDate),
            dayKey: dates.dayKey(item.listedAt),
            dayHuman: dates.day(item.listedAt),
            updatedISO: ISO8601UTC.string(from: item.updated ?? item.displayDate),
            authors: item.authors.isEmpty ? nil : item.authors.joined(separator: ", "),
            summaryHTML: Self.nonEmpty(item.summary) ?? Self.nonEmpty(item.content),
            health: item.health,
            score: String(format: "%.2f", item.healthScore),
            tags: tags, hasTags: !tags.isEmpty,
            cves: item.cveDetails.map {
                CVEView(id: $0.cve, knownExploited: $0.knownExploited, since: $0.knownExploitedSince, due: $0.remediationDue,
                        epss: $0.epss.map { String(format: "%.2f", $0) })
            },
            hasCVEs: !item.cves.isEmpty,
            cvss: item.cvss.map { String(format: "%.1f", $0) },
            language: item.language)
    }

    private static let fieldNames = [
        "fr": ["title": "titre", "summary": "résumé", "content": "contenu"],
        "en": ["title": "title", "summary": "summary", "content": "content"],
    ]

    private static func nonEmpty(_ html: String?) -> String? {
        guard let html, !html.allSatisfy(\.isWhitespace) else { return nil }
        return html
    }

    /// Links from feeds are untrusted: only http(s) ones are published.
    static func isPublishableLink(_ link: String) -> Bool {
        let lower = link.lowercased()
        return lower.hasPrefix("https://") || lower.hasPrefix("http://")
    }

    /// Items come newest first by the date they are listed at; each day of the site's time zone
    /// gets one section.
    private func groupByDay(_ items: [ItemView]) -> [DayView] {
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

public struct PublishError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
