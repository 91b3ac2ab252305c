import Foundation
import Model

/// A CERT-FR advisory or alert in the per-document JSON that cert.ssi.gouv.fr publishes beside
/// each page (…/avis/CERTFR-2025-AVI-0001/json/): one item with its affected systems, CVEs,
/// risks and vendor references.
struct CERTFRTranslator {
    let documentURL: String?

    static func isCERTFR(_ root: [String: Any]) -> Bool {
        (root["reference"] as? String)?.hasPrefix("CERTFR-") == true && root["title"] != nil
    }

    func translate(_ root: [String: Any]) throws -> ParsedFeed {
        let fields = JSONFields(root, dialect: "CERT-FR")
        let reference = try fields.string("reference")
        let title = try fields.string("title")
        let revisions = try fields.requiredObjects("revisions")
        let dates = try revisions.map { try $0.date("revision_date") }
        let cves = FieldReading.unique(fields.objects("cves").compactMap { CVEIdentifier.normalized($0.optionalString("name")) })
        let products = FieldReading.unique(fields.objects("affected_systems").compactMap(Self.affectedSystem))
        var seen = Set<VendorProduct>()
        let vendorProducts = fields.objects("affected_systems").compactMap { system -> VendorProduct? in
            let product = system.optionalObject("product")
            return VendorProduct.from(vendor: product?.optionalObject("vendor")?.optionalString("name"), product: product?.optionalString("name"))
        }.filter { seen.insert($0).inserted }
        let risks = FieldReading.unique(fields.objects("risks").compactMap { $0.optionalString("description") })
        let vendorAdvisories = fields.objects("vendor_advisories").compactMap { advisory -> AdvisoryReference? in
            guard let url = AdvisoryLink.web(advisory.optionalString("url")) else { return nil }
            return AdvisoryReference(url: url, summary: advisory.optionalString("title"))
        }
        let links = fields.objects("links").compactMap { link -> AdvisoryReference? in
            guard let url = AdvisoryLink.web(link.optionalString("url")) else { return nil }
            return AdvisoryReference(url: url, summary: link.optionalString("title"))
        }

        var item = ParsedItem(id: reference, title: HTMLSanitizer.collapseWhitespace(title))
        item.link = Self.pageURL(reference) ?? documentURL.flatMap(AdvisoryLink.web)
        item.published = dates.min()
        item.updated = dates.max()
        item.authors = ["CERT-FR"]
        item.language = "fr"
        item.summary = fields.optionalString("summary").map { MarkupEscaping.escapeText(HTMLSanitizer.collapseWhitespace($0)) }

        var body = AdvisoryHTML()
        body.paragraph(reference + (revisions.count > 1 ? ", révision \(revisions.count)" : ""))
        body.section("Risques", risks)
        body.section("Systèmes affectés", products, limit: 100)
        body.paragraph(fields.optionalString("affected_systems_content").map(HTMLSanitizer.plainText))
        body.section("Vulnérabilités", cves, limit: 200)
        for block in Self.blocks(fields.optionalString("content")) {
            body.paragraph(block)
        }
        body.links("Documentation", (vendorAdvisories + links).map { ($0.url, $0.summary ?? $0.url) })
        item.content = body.html

        item.advisory = AdvisoryFacts(
            kind: .certfr, trackingID: reference, version: String(revisions.count), initialRelease: dates.min(),
            currentRelease: dates.max(), cves: cves, products: Array(products.prefix(CSAFTranslator.productLimit)), tlp: nil,
            remediations: [], references: Array((vendorAdvisories + links).prefix(CSAFTranslator.listLimit)),
            risks: Array(risks.prefix(CSAFTranslator.listLimit)),
            vendorProducts: Array(vendorProducts.prefix(CSAFTranslator.productLimit)))
        var feed = ParsedFeed(format: .certfr, title: "CERT-FR", link: "https://www.cert.ssi.gouv.fr/", language: "fr", items: [item])
        feed.updated = dates.max()
        return feed
    }

    /// "Moxa EDR-G9004 Series versions antérieures à 3.14": vendor, product (CERT-FR writes
    /// "N/A" when it names none) and the versions.
    static func affectedSystem(_ system: JSONFields) -> String? {
        let product = system.optionalObject("product")
        let vendor = product?.optionalObject("vendor")?.optionalString("name")
        let name = product?.optionalString("name").flatMap { $0 == "N/A" ? nil : $0 }
        let parts = [vendor, name, system.optionalString("description")].compactMap { $0 }
        return parts.isEmpty ? nil : HTMLSanitizer.collapseWhitespace(parts.joined(separator: " "))
    }

    /// The page of a reference: avis (AVI), alerte (ALE), and the other series CERT-FR publishes.
    static func pageURL(_ reference: String) -> String? {
        let series: [String: String] = ["AVI": "avis", "ALE": "alerte", "CTI": "cti", "IOC": "ioc", "DUR": "dur", "ACT": "actualite"]
        let parts = reference.split(separator: "-")
        guard parts.count >= 4, let path = series[String(parts[2])],
              reference.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        return "https://www.cert.ssi.gouv.fr/\(path)/\(reference)/"
    }

    /// CERT-FR's content is light Markdown: paragraphs separated by blank lines, `##` headings.
    /// Read as text (markup dropped), never as HTML.
    static func blocks(_ markdown: String?) -> [String] {
        guard let markdown else { return [] }
        return markdown.components(separatedBy: "\n\n").map { block in
            block.split(separator: "\n").map { line in
                var text = line.trimmingCharacters(in: .whitespaces)
                while text.hasPrefix("#") { text.removeFirst() }
                return text.trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\n")
        }.filter { !$0.isEmpty }
    }
}
