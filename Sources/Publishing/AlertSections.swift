import Foundation
import Model

/// An alert in the five sections readers of a CERT expect — résumé, risques, systèmes
/// affectés, solution, documentation — and its versions in words.
///
/// A hand-written alert gives its sections as Markdown headings (« ## Risques »…, the desk's
/// template); whatever it leaves out, and everything of a derived alert, comes from what the
/// alert cites: the advisories' risks, products and remediations, the CVE records, the cited
/// items and their publishers.
struct AlertSections {
    var summaryHTML: String
    var risksHTML: String
    var affectedHTML: String
    var solutionHTML: String
    var documentationHTML: String

    /// Headings a hand-written alert may use, by section (compared without case nor accents).
    static let headings: [String: [String]] = [
        "summary": ["resume", "summary"],
        "risks": ["risques", "risque", "risks"],
        "affected": ["systemes affectes", "produits affectes", "affected systems"],
        "solution": ["solution", "solutions", "contournement", "solution ou contournement", "mesures", "mesures recommandees", "remediation"],
        "documentation": ["documentation", "references"],
    ]

    /// The HTML before the first `<h2>`, and each `<h2>`'s content under its section's name.
    static func split(_ html: String) -> (lead: String, sections: [String: String]) {
        var sections: [String: String] = [:]
        var current = "summary"
        let parts = html.components(separatedBy: "<h2>")
        for part in parts.dropFirst() {
            guard let end = part.range(of: "</h2>") else { continue }
            let heading = PlainText.from(html: String(part[..<end.lowerBound])).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                .trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ":")).trimmingCharacters(in: .whitespaces)
            let body = String(part[end.upperBound...])
            if let section = headings.first(where: { $0.value.contains(heading) })?.key {
                current = section
                sections[section, default: ""] += body
            } else {
                // An unknown heading stays where it was written, in the section before it.
                sections[current, default: ""] += "<h3>" + String(part[..<end.lowerBound]) + "</h3>" + body
            }
        }
        return (parts.first ?? "", sections)
    }

    static func list(_ lines: [String]) -> String {
        lines.isEmpty ? "" : "<ul>" + lines.map { "<li>" + SitePublisher.html($0) + "</li>" }.joined() + "</ul>"
    }
}

extension SitePublisher {
    /// `linkBase`: what the site's own links start with ("../../" on the alert's page, the base
    /// URL in its Atom entry).
    func alertSections(_ content: PublishedAlertContent, cited: [PublishedItem], linkBase: String,
                       productPages: Set<String> = []) -> AlertSections {
        let written = AlertSections.split(content.summaryHTML ?? MarkupText.paragraphs(content.summary))
        let advisories = cited.compactMap(\.advisory)
        func unique(_ lines: [String]) -> [String] {
            var seen = Set<String>()
            return lines.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
        }

        var risks = unique(advisories.flatMap(\.risks))
        let exploited = cited.flatMap(\.cveDetails).filter(\.knownExploited).map(\.cve)
        if !exploited.isEmpty { risks.insert(strings["alert_risk_exploited"] + " " + unique(exploited).joined(separator: ", "), at: 0) }
        let risksHTML = written.sections["risks"] ?? (risks.isEmpty ? "<p>\(SitePublisher.html(strings["alert_risks_unknown"]))</p>" : AlertSections.list(risks))

        // The advisories' own spelling first (the rules match products without case); each product
        // the site has a page for is linked to it, where a structure running it follows its news.
        let products = unique(advisories.flatMap(\.products) + content.products)
        var linked: [String] = [], seenPages = Set<String>()
        for pair in advisories.flatMap({ $0.vendorProducts ?? [] }) {
            guard let path = Self.productPath(vendor: pair.vendor, product: pair.product), productPages.contains(path),
                  seenPages.insert(path).inserted else { continue }
            let title = pair.product.lowercased().hasPrefix(pair.vendor.lowercased()) ? pair.product : "\(pair.vendor) \(pair.product)"
            let href = linkBase + path + (linkBase.hasPrefix("http") ? "" : "index.html")
            linked.append("<li><a href=\"\(SitePublisher.html(href))\">\(SitePublisher.html(title))</a> — \(SitePublisher.html(strings["alert_product_page"]))</li>")
        }
        let affectedHTML = written.sections["affected"]
            ?? (products.isEmpty && linked.isEmpty ? "<p>\(SitePublisher.html(strings["alert_affected_unknown"]))</p>"
                : AlertSections.list(Array(products.prefix(60))) + (linked.isEmpty ? "" : "<ul class=\"alert-product-pages\">" + linked.joined() + "</ul>"))

        var solution = ""
        if let action = content.requiredAction {
            solution += "<p><strong>\(SitePublisher.html(strings["required_action"])) :</strong> \(SitePublisher.html(action))</p>"
        }
        if let measures = content.measuresHTML { solution += measures }
        if let writtenSolution = written.sections["solution"] { solution += writtenSolution }
        let remediations = unique(advisories.flatMap(\.remediations))
        if written.sections["solution"] == nil, !remediations.isEmpty { solution += AlertSections.list(Array(remediations.prefix(12))) }
        if let due = content.dueDate {
            solution += "<p class=\"muted\">\(SitePublisher.html(strings["remediation_due"])) \(SitePublisher.html(dates.day(fromKey: due))).</p>"
        }
        if solution.isEmpty { solution = "<p>\(SitePublisher.html(strings["alert_solution_unknown"]))</p>" }

        // Documentation: the items cited (each with its publisher), the advisories' own
        // references, and the CVE records.
        var documents: [String] = cited.map { item in
            var line = "<a href=\"\(SitePublisher.html(linkBase + "items/\(item.stableKey)/" + (linkBase.hasPrefix("http") ? "" : "index.html")))\">"
                + "\(SitePublisher.html(item.title))</a> — "
                + SitePublisher.html(item.sourceTitle)
            if let link = item.link, Self.isPublishableLink(link) {
                line += " (<a href=\"\(SitePublisher.html(link))\" rel=\"noopener noreferrer\">\(SitePublisher.html(strings["read_original"]))</a>)"
            }
            return line
        }
        for reference in advisories.flatMap(\.references).prefix(20) where Self.isPublishableLink(reference.url) {
            let publisher = URL(string: reference.url)?.host ?? ""
            documents.append("<a href=\"\(SitePublisher.html(reference.url))\" rel=\"noopener noreferrer\">"
                             + SitePublisher.html(reference.summary ?? reference.url) + "</a> — " + SitePublisher.html(publisher))
        }
        for cve in unique(content.cves) {
            documents.append("<a href=\"https://www.cve.org/CVERecord?id=\(SitePublisher.html(cve))\">\(SitePublisher.html(cve))</a> — "
                             + SitePublisher.html(strings["cve_record"]) + " (CVE Program)")
        }
        var documentation = documents.isEmpty ? "" : "<ul>" + documents.map { "<li>\($0)</li>" }.joined() + "</ul>"
        if let writtenDocumentation = written.sections["documentation"] { documentation = writtenDocumentation + documentation }
        if documentation.isEmpty { documentation = "<p>\(SitePublisher.html(strings["alert_documentation_none"]))</p>" }

        return AlertSections(summaryHTML: written.lead + (written.sections["summary"] ?? ""), risksHTML: risksHTML, affectedHTML: affectedHTML,
                             solutionHTML: solution, documentationHTML: documentation)
    }

    /// « Version 2 du 20 novembre 2026 : gravité relevée à critique ; mesures mises à jour ».
    func alertVersions(_ versions: [AlertPublication]) -> [String] {
        var previous: PublishedAlertContent?
        var lines: [String] = []
        for version in versions {
            var changes: [String] = []
            if version.closed {
                changes = [strings["alert_change_closed"]]
            } else if let before = previous {
                if before.severity != version.content.severity {
                    changes.append(strings["alert_change_severity"] + " " + strings["severity_\(version.content.severity.rawValue)"])
                }
                if before.title != version.content.title { changes.append(strings["alert_change_title"]) }
                if before.summary != version.content.summary { changes.append(strings["alert_change_summary"]) }
                if Set(version.content.products).subtracting(before.products).count > 0 { changes.append(strings["alert_change_products"]) }
                let newCVEs = version.content.cves.filter { !before.cves.contains($0) }
                if !newCVEs.isEmpty { changes.append(strings["alert_change_cves"] + " " + newCVEs.joined(separator: ", ")) }
                if before.measures != version.content.measures || before.requiredAction != version.content.requiredAction {
                    changes.append(strings["alert_change_solution"])
                }
                if changes.isEmpty { changes.append(strings["alert_change_other"]) }
            } else {
                changes = [strings["alert_change_first"]]
            }
            if !version.closed { previous = version.content }
            lines.append(strings["alert_version_line"].replacingOccurrences(of: "{n}", with: String(lines.count + 1))
                .replacingOccurrences(of: "{date}", with: dates.day(version.at))
                .replacingOccurrences(of: "{changes}", with: changes.joined(separator: "; ")))
        }
        return lines
    }
}
