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
        // Inside a link an image becomes its label alone: a link inside a link is not HTML.
        var openLinks = 0
        while let start = rest.firstIndex(of: "<") {
            output += rest[..<start]
            guard let end = rest[start...].firstIndex(of: ">") else {
                rest = rest[start...]
                break
            }
            let tag = rest[start...end]
            rest = rest[rest.index(after: end)...]
            if tag.hasPrefix("<a ") || tag == "<a>" {
                openLinks += 1
            } else if tag == "</a>" {
                openLinks = max(0, openLinks - 1)
            } else if tag.hasPrefix("<img") {
                let source = attribute("src", in: tag)
                if let source, let siteHost, URLComponents(string: Self.unescaped(source))?.host?.lowercased() == siteHost {
                    output += tag  // the site's own image
                } else if policy == .link {
                    let alt = attribute("alt", in: tag).flatMap { $0.isEmpty ? nil : $0 }
                    let text = "[" + (alt.map { labelBeforeAlt + $0 } ?? label) + "]"
                    if openLinks > 0 || source == nil {
                        output += text
                    } else {
                        output += "<a href=\"\(source!)\" class=\"remote-image\" rel=\"noopener noreferrer\">\(text)</a>"
                    }
                }
                continue
            }
            output += tag
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
