import Foundation
import GRDB

/// What a retention pass removed (or would remove, in a dry run).
public struct PurgeResult: Sendable, Equatable, Codable {
    public var itemsPurged: Int
    public var storiesRemoved: Int

    enum CodingKeys: String, CodingKey {
        case itemsPurged = "items_purged"
        case storiesRemoved = "stories_removed"
    }
}

extension Store {
    /// Items retention may never remove, as SQL over `item`: the portal's own archive
    /// (health-relevant items, the ones it publishes) and anything an editor or an alert will
    /// have touched (later stages add their tables here, never elsewhere).
    static let protectedFromPurge = """
        item.health = 1
        OR item.id IN (SELECT item_id FROM item_curation
                       WHERE state IN ('selected', 'published') OR pinned = 1 OR note IS NOT NULL OR title_override IS NOT NULL)
        OR item.id IN (SELECT item_id FROM item_manual_tag)
        OR item.id IN (SELECT value FROM alert, json_each(alert.data, '$.references'))
        """

    /// Purges items listed before `cutoff` that nothing protects; each leaves a tombstone (its
    /// source and identity), so that a feed still carrying it does not bring it back as new.
    /// Their revisions, tags, CVEs, search entries and story keys go with them; stories left
    /// empty are removed. One transaction: all or nothing.
    public func purge(listedBefore cutoff: Date, dryRun: Bool = false, now: Date = Date()) throws -> PurgeResult {
        let condition = "item.sort_at < ? AND item.health IS NOT NULL AND NOT (\(Self.protectedFromPurge))"
        if dryRun {
            return try pool.read { db in
                let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE \(condition)", arguments: [cutoff.timeIntervalSince1970]) ?? 0
                let stories = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM story WHERE NOT EXISTS (
                        SELECT 1 FROM item WHERE item.story_id = story.id AND NOT (\(condition)))
                    """, arguments: [cutoff.timeIntervalSince1970]) ?? 0
                return PurgeResult(itemsPurged: items, storiesRemoved: stories)
            }
        }
        return try write { db in
            let arguments: StatementArguments = [cutoff.timeIntervalSince1970]
            try db.execute(sql: """
                INSERT OR REPLACE INTO item_tombstone (source_id, identity, purged_at)
                SELECT source_id, identity, ? FROM item WHERE \(condition)
                """, arguments: [now.timeIntervalSince1970] + arguments)
            try db.execute(sql: "DELETE FROM item_search WHERE rowid IN (SELECT id FROM item WHERE \(condition))", arguments: arguments)
            try db.execute(sql: "DELETE FROM item WHERE \(condition)", arguments: arguments)
            let items = db.changesCount
            // A batch seen before may now hold purged items: the next ingest looks at each item.
            if items > 0 { try db.execute(sql: "DELETE FROM source_batch_digest") }
            try db.execute(sql: "DELETE FROM story WHERE NOT EXISTS (SELECT 1 FROM item WHERE item.story_id = story.id)")
            return PurgeResult(itemsPurged: items, storiesRemoved: db.changesCount)
        }
    }
}
