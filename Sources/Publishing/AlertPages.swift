import Foundation
import Model

/// The sector alerts: their list, one page each, and their Atom feed. An update keeps the
/// alert's page and Atom entry id, with a newer `updated`, so readers see an update.
extension SitePublisher {
    /// `productPages`: the product pages of the site, which the alerts' affected systems link to.
    func writeAlerts(_ alerts: [SectorAlert], versions: [String: [AlertPublication]] = [:], items: [PublishedItem],
                     productPages: Set<String> = [], site: SiteView, to writer: SiteWriter) throws {
        // Only the items alerts refer to: copying every item of a large archive into a table cost half a second.
        let referenced = Set(alerts.flatMap { ($0.published ?? $0.content).references })
        var itemsByID: [Int64: PublishedItem] = [:]
        if !referenced.isEmpty {
            for item in items where referenced.contains(item.id) && itemsByID[item.id] == nil { itemsByID[item.id] = item }
        }
        func view(_ alert: SectorAlert, path: String) -> [String: Any] {
            // The content as last published: later changes wait for an editor's approval.
            let shown = alert.published ?? alert.content
            let cited = shown.references.compactMap { itemsByID[$0] }
            let references = cited.map { item -> [String: Any] in ["title": item.title, "path": "items/\(item.stableKey)/"] }
            let pageFrame = frame(site, path: path)
            let sections = alertSections(shown, cited: cited, linkBase: pageFrame.rootPath, productPages: productPages)
            let feedSections = alertSections(shown, cited: cited, linkBase: self.site.baseURL, productPages: productPages)
            let history = alertVersions(versions[alert.id] ?? [])
            let sectionsHTML = [("alert_summary", feedSections.summaryHTML), ("alert_risks", feedSections.risksHTML),
                                ("alert_affected", feedSections.affectedHTML), ("alert_solution", feedSections.solutionHTML),
                                ("alert_documentation", feedSections.documentationHTML)]
                .map { "<h2>\(Self.html(strings[$0.0]))</h2>\($0.1)" }.joined()
            let segment = Self.pathSegment(alert.id.lowercased())
            return [
                "id": alert.id, "entryID": "tag:\(host),2026:alert/\(alert.id)", "url": self.site.baseURL + "alertes/\(segment)/",
                "path": "alertes/\(segment)/", "title": shown.title, "severity": strings["severity_\(shown.severity.rawValue)"],
                "severityID": shown.severity.rawValue, "status": strings["alert_status_\(alert.status.rawValue)"],
                "isUpdate": alert.status == .updated, "isClosed": alert.status == .closed,
                "summaryHTML": shown.summaryHTML ?? MarkupText.paragraphs(shown.summary), "summaryText": shown.summary,
                "measuresHTML": shown.measuresHTML as Any, "products": shown.products, "hasProducts": !shown.products.isEmpty,
                "cves": shown.cves, "hasCVEs": !shown.cves.isEmpty, "requiredAction": shown.requiredAction as Any, "dueDate": shown.dueDate as Any,
                "references": references, "hasReferences": !references.isEmpty,
                "sectionSummaryHTML": sections.summaryHTML, "risksHTML": sections.risksHTML, "affectedHTML": sections.affectedHTML,
                "solutionHTML": sections.solutionHTML, "documentationHTML": sections.documentationHTML,
                // The Atom entry carries the same sections, as HTML the feed escapes.
                "contentHTML": "<p><strong>TLP:CLEAR</strong> · \(Self.html(strings["severity_\(shown.severity.rawValue)"]))</p>" + sectionsHTML
                    + (history.isEmpty ? "" : "<h2>\(Self.html(strings["alert_history"]))</h2><ul>" + history.map { "<li>\(Self.html($0))</li>" }.joined() + "</ul>"),
                "history": history, "hasHistory": !history.isEmpty,
                "publishedISO": ISO8601UTC.string(from: alert.publishedAt ?? shown.at),
                "publishedHuman": dates.day(alert.publishedAt ?? shown.at),
                "updatedISO": ISO8601UTC.string(from: alert.status == .closed ? alert.updatedAt : shown.at),
                "updatedHuman": dates.day(alert.status == .closed ? alert.updatedAt : shown.at),
                "frame": pageFrame,
            ]
        }
        let list = alerts.map { view($0, path: "alertes/") }
        try writer.write(try render(["frame": frame(site, path: "alertes/"), "alerts": list, "isEmpty": alerts.isEmpty,
                                     "atomURL": self.site.baseURL + "alertes/atom.xml"] as [String: Any], "alerts"), at: "alertes/")
        for alert in alerts {
            let path = "alertes/\(Self.pathSegment(alert.id.lowercased()))/"
            try writer.write(try render(view(alert, path: path), "alert"), at: path)
        }
        let updated = list.compactMap { $0["updatedISO"] as? String }.max() ?? site.generatedAt
        try writer.write(try render(["site": site, "feedID": "tag:\(host),2026:alerts", "title": strings["alerts_feed_title"],
                                     "selfURL": self.site.baseURL + "alertes/atom.xml", "updated": updated, "alerts": list] as [String: Any],
                                    "alerts-atom"), at: "alertes/atom.xml")
    }
}

extension SitePublisher {
    /// An open alert as the banner of every page and the home page's priority block show it.
    func alertBanner(_ alert: SectorAlert) -> AlertBannerView {
        let shown = alert.published ?? alert.content
        return AlertBannerView(title: shown.title, severity: strings["severity_\(shown.severity.rawValue)"], severityID: shown.severity.rawValue,
                               path: "alertes/\(Self.pathSegment(alert.id.lowercased()))/", products: shown.products.joined(separator: ", "),
                               requiredAction: shown.requiredAction)
    }
}

/// Plain text as HTML paragraphs (escaped), for alerts stored without rendered HTML.
enum MarkupText {
    static func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { paragraph in
            "<p>" + paragraph.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;") + "</p>"
        }.joined()
    }
}
