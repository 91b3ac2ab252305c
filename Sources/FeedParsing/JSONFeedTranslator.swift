import Foundation
import Model

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into the universal model.
struct JSONFeedTranslator {
    let documentURL: String?

    static func looksLikeJSONFeed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes.prefix(512) {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF: continue
            case UInt8(ascii: "{"): return true
            default: return false
            }
        }
        return false
    }

    func translate(_ root: [String: Any], limits: FeedParserLimits) throws -> ParsedFeed {
        // The specification's version is a URL; feeds in the wild also write "1", "1.0" or "1.1".
        guard let version = root["version"] as? String,
              version.hasPrefix("https://jsonfeed.org/version/") || version.hasPrefix("http://jsonfeed.org/version/")
                || ["1", "1.0", "1.1"].contains(version.trimmingCharacters(in: .whitespaces))
        else {
            throw FeedParseError(.notAFeed, "a JSON document that is neither a JSON Feed (no \"version\"), a CSAF 2.0 or CERT-FR advisory, nor a KEV catalog")
        }

        let base = (root["feed_url"] as? String) ?? documentURL
        var feed = ParsedFeed(format: .jsonFeed)
        feed.title = string(root["title"]).map(HTMLSanitizer.collapseWhitespace)
        feed.link = string(root["home_page_url"]).flatMap { URLResolver.resolve($0, against: base) }
        feed.description = string(root["description"]).map { MarkupEscaping.escapeText($0) }
        feed.language = FieldReading.language(string(root["language"]))
        let items = (root["items"] as? [[String: Any]]) ?? []
        feed.items = items.prefix(limits.maxItems).map { item(from: $0, base: base, feedLanguage: feed.language) }
        return feed
    }

    private func item(from object: [String: Any], base: String?, feedLanguage: String?) -> ParsedItem {
        var item = ParsedItem()
        if let id = object["id"] as? String { item.id = FieldReading.nonEmpty(id) }
        if let id = object["id"] as? NSNumber { item.id = id.stringValue }  // 1.0 feeds in the wild
        item.title = string(object["title"]).map { HTMLSanitizer.plainText($0) }
        item.link = string(object["url"]).flatMap { URLResolver.resolve($0, against: base) }
            ?? string(object["external_url"]).flatMap { URLResolver.resolve($0, against: base) }
        if let html = string(object["content_html"]) {
            item.content = FieldReading.nonEmpty(HTMLSanitizer.sanitize(html, base: item.link ?? base))
        } else if let text = string(object["content_text"]) {
            item.content = FieldReading.nonEmpty(MarkupEscaping.escapeText(text))
        }
        item.summary = string(object["summary"]).map { MarkupEscaping.escapeText($0) }
        item.published = string(object["date_published"]).flatMap(DateParser.parse)
        item.updated = string(object["date_modified"]).flatMap(DateParser.parse)
        var people = (object["authors"] as? [[String: Any]]) ?? []
        if let author = object["author"] as? [String: Any] { people.append(author) }
        item.authors = FieldReading.unique(people.compactMap { string($0["name"]) ?? string($0["url"]).flatMap { WebLink.isWebOrMail($0) ? $0 : nil } })
        item.categories = FieldReading.unique(((object["tags"] as? [Any]) ?? []).compactMap { string($0) })
        item.enclosures = ((object["attachments"] as? [[String: Any]]) ?? []).compactMap { attachment in
            guard let url = string(attachment["url"]).flatMap({ URLResolver.resolve($0, against: base) }) else { return nil }
            return Enclosure(url: url, type: string(attachment["mime_type"]),
                             length: (attachment["size_in_bytes"] as? NSNumber)?.intValue)
        }
        item.language = FieldReading.language(string(object["language"])) ?? feedLanguage
        return item
    }

    private func string(_ value: Any?) -> String? {
        FieldReading.nonEmpty(value as? String)
    }
}
