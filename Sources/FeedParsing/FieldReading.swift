import Foundation

/// Helpers shared by the dialect translators: how a piece of a feed becomes a plain-text title,
/// a sanitized HTML body, an absolute link, a date.
enum FieldReading {
    /// Plain text from an element whose text may carry escaped markup (RSS titles do).
    /// An element that is present but empty gives "", an absent one nil.
    static func plainText(_ element: XMLElementNode?) -> String? {
        guard let element else { return nil }
        let markup = element.elements.isEmpty ? element.text : element.innerMarkup
        return HTMLSanitizer.plainText(markup)
    }

    /// Sanitized HTML from an element holding (escaped or inline) HTML.
    static func html(_ element: XMLElementNode?) -> String? {
        guard let element else { return nil }
        if let bytes = element.soleUTF8Text { return HTMLSanitizer.sanitize(utf8: bytes, base: element.base) }
        if !element.elements.isEmpty { return HTMLSanitizer.sanitize(utf8: element.innerMarkupUTF8, base: element.base) }
        return HTMLSanitizer.sanitize(element.text, base: element.base)
    }

    static func link(_ element: XMLElementNode?) -> String? {
        guard let element, let raw = nonEmpty(element.text) else { return nil }
        return URLResolver.resolve(raw, against: element.base)
    }

    static func date(_ element: XMLElementNode?) -> Date? {
        guard let element else { return nil }
        return DateParser.parse(element.text)
    }

    static func trimmed(_ element: XMLElementNode?) -> String? {
        guard let element else { return nil }
        return nonEmpty(element.text)
    }

    /// A BCP 47-looking language tag ("fr", "en-US"; "fr_FR" becomes "fr-FR"), else nil: the value
    /// ends up in lang attributes, so nothing else is let through.
    static func language(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let tag = String(ByteText.trimmed(raw).map { $0 == "_" ? "-" : $0 })
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (1...8).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
              parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        return tag
    }

    static func nonEmpty(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = ByteText.trimmed(s)
        return t.isEmpty ? nil : t
    }

    /// The name in an author field of the wild: "jo@example.org (Jo Smith)", "Jo Smith (jo@example.org)",
    /// "Jo Smith <jo@example.org>", or a bare e-mail when there is no name.
    static func authorName(_ raw: String) -> String? {
        let text = HTMLSanitizer.collapseWhitespace(raw)
        let bytes = Array(text.utf8)
        for (open, close) in [(UInt8(ascii: "("), UInt8(ascii: ")")), (UInt8(ascii: "<"), UInt8(ascii: ">"))] {
            guard let start = bytes.firstIndex(of: open), let end = bytes.lastIndex(of: close), start < end else { continue }
            let inside = ByteText.trimmed(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))
            let outside = ByteText.trimmed(String(decoding: bytes[..<start] + [0x20] + bytes[(end + 1)...], as: UTF8.self))
            let name = inside.utf8.contains(UInt8(ascii: "@")) ? outside : inside
            if !name.isEmpty { return name }
        }
        return nonEmpty(text)
    }

    static func firstNonNil<T>(_ values: T?...) -> T? {
        for case let value? in values { return value }
        return nil
    }

    static func unique(_ values: [String]) -> [String] {
        // An item has a handful of authors or categories: comparing them is cheaper than hashing.
        guard values.count > 16 else {
            var kept: [String] = []
            kept.reserveCapacity(values.count)
            for value in values where !kept.contains(value) { kept.append(value) }
            return kept
        }
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}
