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

/// CVE ids as advisories write them, normalised (upper case) and checked.
enum AdvisoryCVE {
    static func normalized(_ raw: String?) -> String? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces).uppercased() else { return nil }
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, parts[2].count >= 4, parts[2].count <= 8,
              parts[1].allSatisfy(\.isASCIIDigit), parts[2].allSatisfy(\.isASCIIDigit) else { return nil }
        return raw
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Only http(s) links leave an advisory.
enum AdvisoryLink {
    static func web(_ raw: String?) -> String? {
        guard let raw = FieldReading.nonEmpty(raw), let url = URL(string: raw),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else { return nil }
        return raw
    }
}
