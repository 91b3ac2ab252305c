import Foundation
import Model

/// The hash of the fields that make an item what it is (to notice change), and item identity.
enum ContentHash {
    static func of(_ parts: [String?]) -> String { StableHash.hex(parts) }

    /// Dates are left out: some servers re-date every item on every request, and a new date on
    /// the same text is not news (a real revision changes the text too).
    static func of(_ item: ParsedItem) -> String {
        var hasher = StableHash.Hasher()
        for field in [item.title, item.link, item.summary, item.content] { hasher.combine(field) }
        hasher.combine(list: item.authors)
        hasher.combine(list: item.categories)
        hasher.combine(list: item.enclosures.map(\.url))
        return hasher.hex
    }

    /// An item's identity within its source: its own id, else its link, else a hash of what it says.
    static func identity(of item: ParsedItem) -> String {
        if let id = item.id, !id.isEmpty { return id }
        if let link = item.link, !link.isEmpty { return link }
        // Without the date: servers that re-date items must not make them new items.
        return "hash:" + of([item.title, item.summary, item.content])
    }
}
