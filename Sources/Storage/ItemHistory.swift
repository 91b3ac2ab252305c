import Foundation
import GRDB

/// One earlier version of an item: what it said until `replacedAt`, and which fields the next
/// version changed.
public struct ItemRevision: Sendable, Equatable, Codable {
    public var replacedAt: Date
    public var title: String?
    public var link: String?
    public var changedFields: [String]

    enum CodingKeys: String, CodingKey {
        case replacedAt = "replaced_at", title, link, changedFields = "changed_fields"
    }
}

extension Store {
    /// The item's earlier versions, oldest first.
    public func revisions(of item: Int64) throws -> [ItemRevision] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT replaced_at, title, link, changed_fields FROM item_revision WHERE item_id = ? ORDER BY replaced_at, id
                """, arguments: [item]).map { row in
                ItemRevision(replacedAt: Date(timeIntervalSince1970: row["replaced_at"]), title: row["title"], link: row["link"],
                             changedFields: (row["changed_fields"] as String).split(separator: ",").map(String.init))
            }
        }
    }
}
