import Foundation
import Model

/// The sector alerts: their list, one page each, and their Atom feed. An update keeps the
/// alert's page and Atom entry id, with a newer `updated`, so readers see an update.
extension SitePublisher {
    func writeAlerts(_ alerts: [SectorAlert], items: [PublishedItem], site: SiteView, to writer: SiteWriter) throws {
        let host = URL(string: self.site.baseURL)?.host ?? "cyberveille"
        let itemsByID = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func view(_ alert: SectorAlert, path: String) -> [String: Any] {
            let references = alert.references.compactMap { itemsByID[$0] }.map { item -> [String: Any] in
                ["title": item.title, "path": "items/\(item.stableKey)/"]
            }
            return [
                "id": alert.id, "entryID": "tag:\(host),2026:alert/\(alert.id)", "url": self.site.baseURL + "alertes/\(Self.pathSegment(alert.id.lowercased()))/",
                "path": "alertes/\(Self.pathSegment(alert.id.lowercased()))/", "title": alert.title, "severity": strings["severity_\(alert.severity.rawValue)"],
                "severityID": alert.severity.rawValue, "status": strings["alert_status_\(alert.status.rawValue)"],
                "isUpdate": alert.status == .updated, "isClosed": alert.status == .closed,
                "summaryHTML": alert.summaryHTML ?? MarkupText.paragraphs(alert.summary), "summaryText": alert.summary,
                "measuresHTML": alert.measuresHTML as Any, "products": alert.products, "hasProducts": !alert.products.isEmpty,
                "cves": alert.cves, "hasCVEs": !alert.cves.isEmpty, "requiredAction": alert.requiredAction as Any, "dueDate": alert.dueDate as Any,
                "references": references, "hasReferences": !references.isEmpty,
                "publishedISO": ISO8601UTC.string(from: alert.publishedAt ?? alert.createdAt),
                "publishedHuman": dates.day(alert.publishedAt ?? alert.createdAt),
                "updatedISO": ISO8601UTC.string(from: alert.updatedAt), "updatedHuman": dates.day(alert.updatedAt),
                "frame": frame(site, path: path),
            ]
        }
        let list = alerts.map { view($0, path: "alertes/") }
        try writer.write(try render(["frame": frame(site, path: "alertes/"), "alerts": list, "isEmpty": alerts.isEmpty,
                                     "atomURL": self.site.baseURL + "alertes/atom.xml"] as [String: Any], "alerts"), at: "alertes/")
        for alert in alerts {
            let path = "alertes/\(Self.pathSegment(alert.id.lowercased()))/"
            try writer.write(try render(view(alert, path: path), "alert"), at: path)
        }
        let updated = alerts.map(\.updatedAt).max().map(ISO8601UTC.string) ?? site.generatedAt
        try writer.write(try render(["site": site, "feedID": "tag:\(host),2026:alerts", "title": strings["alerts_feed_title"],
                                     "selfURL": self.site.baseURL + "alertes/atom.xml", "updated": updated, "alerts": list] as [String: Any],
                                    "alerts-atom"), at: "alertes/atom.xml")
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
