import Config
import Foundation
import Model

/// Images in items' HTML come from the feeds' hosts, never from the site: loading one tells that
/// host who reads the watch, from where and when (a tracking pixel exists for nothing else). By
/// default (`[site] remote_images = "link"`) each becomes a link to it, named by its alternative
/// text; "drop" leaves them out; "load" keeps them. Works on the sanitizer's output, whose
/// `<img>` tags are regular: attribute values are double-quoted with `"`, `<` and `>` escaped.
enum RemoteImages {
    /// `label`: the link's text without an alternative text ("image"); `labelBeforeAlt`: before
    /// one ("image : ").
    static func apply(_ html: String, policy: RemoteImagePolicy, siteHost: String?, label: String, labelBeforeAlt: String) -> String {
        guard policy != .load, html.contains("<img") else { return html }
        var output = ""
        var rest = Substring(html)
        while let start = rest.range(of: "<img") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: ">") else {
                rest = rest[rest.endIndex...]
                break
            }
            let tag = rest[start.lowerBound...end]
            rest = rest[rest.index(after: end)...]
            let source = attribute("src", in: tag)
            if let source, let siteHost, URLComponents(string: Self.unescaped(source))?.host?.lowercased() == siteHost {
                output += tag  // the site's own image
            } else if policy == .link, let source {
                let alt = attribute("alt", in: tag).flatMap { $0.isEmpty ? nil : $0 }
                output += "<a href=\"\(source)\" class=\"remote-image\" rel=\"noopener noreferrer\">["
                    + (alt.map { labelBeforeAlt + $0 } ?? label) + "]</a>"
            }
        }
        return output + rest
    }

    /// The value of ` name="…"` in a tag, as escaped in it.
    private static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[start.upperBound...].prefix { $0 != "\"" }
        return String(value)
    }

    private static func unescaped(_ value: String) -> String {
        value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
