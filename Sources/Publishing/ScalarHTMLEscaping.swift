import Mustache

/// How every `{{value}}` of our templates is escaped, for HTML and for XML alike.
///
/// swift-mustache's own HTML escaping looks characters up whole, so a `"` followed by a combining
/// mark (one Character, two scalars) passes unescaped, and a browser still reads it as the end
/// of an attribute. This escapes scalar by scalar, and drops the control characters that XML 1.0
/// forbids, so that an item's text can break neither a page nor an Atom feed.
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "CYBERVEILLE_HTML"
    /// Put before every template's text, so that template editors need not remember it.
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    func escapeText(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": output.append(contentsOf: "&lt;".unicodeScalars)
            case ">": output.append(contentsOf: "&gt;".unicodeScalars)
            case "&": output.append(contentsOf: "&amp;".unicodeScalars)
            case "\"": output.append(contentsOf: "&quot;".unicodeScalars)
            case "'": output.append(contentsOf: "&#39;".unicodeScalars)
            case "\t", "\n", "\r": output.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                output.append(scalar)
            }
        }
        return String(output)
    }
}
