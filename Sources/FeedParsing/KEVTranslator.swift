import Foundation
import Model

/// CISA's catalog of Known Exploited Vulnerabilities (JSON) read as a feed: one item per entry,
/// dated the day CISA added it, carrying the required action and its due date.
struct KEVTranslator {
    static func isCatalog(_ root: [String: Any]) -> Bool {
        root["catalogVersion"] != nil && root["vulnerabilities"] is [Any]
    }

    func translate(_ root: [String: Any], limits: FeedParserLimits) throws -> ParsedFeed {
        let fields = JSONFields(root, dialect: "KEV")
        let entries = fields.objects("vulnerabilities")
        var feed = ParsedFeed(format: .kev, title: fields.optionalString("title") ?? "CISA Known Exploited Vulnerabilities",
                              link: "https://www.cisa.gov/known-exploited-vulnerabilities-catalog", language: "en")
        feed.updated = fields.optionalDate("dateReleased")
        // An entry without a CVE id or a date added is skipped, not the catalog.
        feed.items = entries.prefix(limits.maxItems).compactMap(Self.item)
        return feed
    }

    static func item(_ entry: JSONFields) -> ParsedItem? {
        guard let cve = CVEIdentifier.normalized(entry.optionalString("cveID")),
              let added = entry.optionalString("dateAdded"), added.count == 10, let addedDate = DateParser.parse(added) else { return nil }
        let vendor = entry.optionalString("vendorProject") ?? ""
        let product = entry.optionalString("product") ?? ""
        let name = entry.optionalString("vulnerabilityName") ?? cve
        let due = entry.optionalString("dueDate")
        let ransomware = entry.optionalString("knownRansomwareCampaignUse")?.lowercased() == "known"
        let action = entry.optionalString("requiredAction")
        let references = (entry.optionalString("notes") ?? "").split(separator: ";").compactMap { part -> AdvisoryReference? in
            let words = part.split(separator: " ")
            return words.lazy.compactMap { AdvisoryLink.web(String($0)) }.first.map { AdvisoryReference(url: $0, summary: nil) }
        }

        var item = ParsedItem(id: cve, title: "\(cve): \(HTMLSanitizer.collapseWhitespace(name))")
        item.link = "https://nvd.nist.gov/vuln/detail/\(cve)"
        item.published = addedDate
        item.authors = ["CISA"]
        item.categories = ["known-exploited"]
        item.language = "en"
        item.summary = entry.optionalString("shortDescription").map(MarkupEscaping.escapeText)
        var body = AdvisoryHTML()
        body.paragraph("\(cve) — \(vendor) \(product): known exploited vulnerability, added to CISA's catalog on \(added)"
                       + (ransomware ? "; known to be used in ransomware campaigns." : "."))
        body.paragraph(action.map { "Required action" + (due.map { " (due \($0))" } ?? "") + ": " + $0 })
        body.links("References", references.map { ($0.url, $0.url) })
        item.content = body.html
        let known = KnownExploitedVulnerability(cve: cve, dateAdded: added, dueDate: due, knownRansomwareUse: ransomware,
                                                vendor: vendor, product: product, name: name)
        item.advisory = AdvisoryFacts(
            kind: .kev, trackingID: cve, initialRelease: addedDate, cves: [cve],
            products: [[vendor, product].filter { !$0.isEmpty }.joined(separator: " ")].filter { !$0.isEmpty },
            references: references, knownExploited: known, requiredAction: action,
            vendorProducts: VendorProduct.from(vendor: vendor, product: product).map { [$0] } ?? [])
        return item
    }
}
