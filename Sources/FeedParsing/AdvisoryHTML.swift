import Foundation

/// Writes the readable HTML body of an advisory item from its structured fields. Everything is
/// escaped text: advisories are untrusted like any feed. Long lists are cut, saying how many
/// were left out, so that one document with thousands of products stays a readable page.
struct AdvisoryHTML {
    private(set) var html = ""

    mutating func paragraph(_ text: String?) {
        guard let text = FieldReading.nonEmpty(text) else { return }
        html += "<p>" + MarkupEscaping.escapeText(text).replacingOccurrences(of: "\n", with: "<br>") + "</p>\n"
    }

    mutating func section(_ heading: String, _ entries: [String], limit: Int = 50) {
        let entries = entries.compactMap(FieldReading.nonEmpty)
        guard !entries.isEmpty else { return }
        html += "<h2>" + MarkupEscaping.escapeText(heading) + "</h2>\n<ul>\n"
        for entry in entries.prefix(limit) {
            html += "<li>" + MarkupEscaping.escapeText(entry) + "</li>\n"
        }
        if entries.count > limit { html += "<li>… (+\(entries.count - limit))</li>\n" }
        html += "</ul>\n"
    }

    mutating func links(_ heading: String, _ references: [(url: String, text: String)], limit: Int = 30) {
        guard !references.isEmpty else { return }
        html += "<h2>" + MarkupEscaping.escapeText(heading) + "</h2>\n<ul>\n"
        for reference in references.prefix(limit) {
            html += "<li><a href=\"" + MarkupEscaping.escapeAttribute(reference.url) + "\" rel=\"noopener noreferrer\">"
                + MarkupEscaping.escapeText(reference.text) + "</a></li>\n"
        }
        if references.count > limit { html += "<li>… (+\(references.count - limit))</li>\n" }
        html += "</ul>\n"
    }
}

/// Only http(s) links leave an advisory.
enum AdvisoryLink {
    static func web(_ raw: String?) -> String? {
        guard let raw = FieldReading.nonEmpty(raw), let url = URL(string: raw),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else { return nil }
        return raw
    }
}
