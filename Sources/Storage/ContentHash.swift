import Foundation
import Model

/// 64-bit FNV-1a over the fields that make an item what it is. Used only to notice change and
/// to name items without an id within one source, where 64 bits are plenty.
enum ContentHash {
    static func of(_ parts: [String?]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in parts {
            for byte in (part ?? "\u{0}").utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0x1f  // field separator, so ("ab","c") and ("a","bc") differ
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func of(_ item: ParsedItem) -> String {
        of([item.title, item.link, item.summary, item.content,
            item.published.map(ISO8601UTC.string), item.updated.map(ISO8601UTC.string),
            item.authors.joined(separator: "\u{1e}"), item.categories.joined(separator: "\u{1e}"),
            item.enclosures.map(\.url).joined(separator: "\u{1e}")])
    }

    /// An item's identity within its source: its own id, else its link, else a hash of what it says.
    static func identity(of item: ParsedItem) -> String {
        if let id = item.id, !id.isEmpty { return id }
        if let link = item.link, !link.isEmpty { return link }
        return "hash:" + of([item.title, item.summary, item.content, item.published.map(ISO8601UTC.string)])
    }
}
