import Foundation
import GRDB

/// What `groupStories` did.
public struct StoryGrouping: Sendable, Equatable {
    /// Items that joined a story another item already told.
    public var joined = 0
    /// Items that started a story of their own.
    public var started = 0

    public init() {}
}

/// One item of a story, as `items show` and the site list a story's sources.
public struct StoryMember: Sendable, Equatable, Codable {
    public var itemID: Int64
    public var sourceID: String
    public var sourceTitle: String
    public var title: String
    public var link: String?
    public var listedAt: Date
}

extension Store {
    /// How far apart in time two items may be and still be grouped by CVE set or by title: the
    /// same CVE or headline months later is news again (exploitation, a new victim). The same
    /// canonical URL is the same article whenever it is seen.
    static let cveWindow: TimeInterval = 30 * 86_400
    static let titleWindow: TimeInterval = 7 * 86_400
    private static let groupingBatch = 2000
    /// A band shared by very many titles is made of the commonest words; past this many
    /// candidates per band (the nearest in time kept), the other bands still find a real match,
    /// and the cost per item stays bounded.
    private static let titleCandidatesPerBand = 32

    /// Puts every item not yet in a story into one: the oldest story it shares a canonical URL,
    /// a CVE set or a near-identical title with (titles only across sources: a source does not
    /// tell one story twice), else a story of its own. Runs after tagging, which finds the CVEs.
    /// In batches, each its own transaction, so that other writers are never held up for long.
    @discardableResult
    public func groupStories(now: Date = Date()) throws -> StoryGrouping {
        var grouping = StoryGrouping()
        while true {
            let done = try write { db -> Bool in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, source_id, link, title, sort_at FROM item INDEXED BY item_unstoried WHERE story_id IS NULL
                    ORDER BY sort_at, id LIMIT \(Self.groupingBatch)
                    """)
                for row in rows {
                    try Self.group(db, item: row["id"], sourceID: row["source_id"], link: row["link"], title: row["title"],
                                   at: row["sort_at"], now: now, into: &grouping)
                }
                return rows.count < Self.groupingBatch
            }
            if done { return grouping }
        }
    }

    private static func group(_ db: Database, item: Int64, sourceID: String, link: String?, title: String?, at: Double,
                              now: Date, into grouping: inout StoryGrouping) throws {
        let cves = try String.fetchAll(db.cachedStatement(sql: "SELECT cve FROM item_cve WHERE item_id = ?"), arguments: [item])
        let keys = StoryKeys(link: link, title: title, cves: cves)
        var stories = Set<Int64>()
        if let url = keys.canonicalURL {
            stories.formUnion(try storiesWithKey(db, kind: "url", key: url, around: at, within: nil))
        }
        if let cveSet = keys.cveSet {
            stories.formUnion(try storiesWithKey(db, kind: "cve", key: cveSet, around: at, within: cveWindow))
        }
        let bands = keys.titleBands
        // An item whose canonical URL or CVE set is already in a story joins it: titles are compared only
        // to find the same story at another address (for a story syndicated by a hundred feeds,
        // comparing titles again for each copy was most of the grouping time).
        if !bands.isEmpty && stories.isEmpty {
            var bandsShared: [Int64: Int] = [:]
            let lookup = try db.cachedStatement(sql: """
                SELECT item_id FROM story_key
                WHERE kind = 'title' AND key = ? AND at BETWEEN ? AND ? AND source_id != ?
                ORDER BY at DESC LIMIT \(Self.titleCandidatesPerBand)
                """)
            for band in bands {
                for candidate in try Int64.fetchAll(lookup, arguments: [band, at - titleWindow, at + titleWindow, sourceID]) {
                    bandsShared[candidate, default: 0] += 1
                }
            }
            let read = try db.cachedStatement(sql: "SELECT story_id, title_tokens FROM item WHERE id = ?")
            for (candidate, shared) in bandsShared where shared >= StoryKeys.bandsToConfirm {
                guard let row = try Row.fetchOne(read, arguments: [candidate]) else { continue }
                let words = Self.words(from: row["title_tokens"] as Data?)
                if StoryKeys.titleSimilarity(keys.titleWords, words) >= StoryKeys.titleSimilarityThreshold {
                    stories.insert(row["story_id"])
                }
            }
        }
        let story: Int64
        if let oldest = stories.min() {
            story = oldest
            grouping.joined += 1
        } else {
            try db.cached("INSERT INTO story (created_at) VALUES (?)", arguments: [now.timeIntervalSince1970])
            story = db.lastInsertedRowID
            grouping.started += 1
        }
        try db.cached("UPDATE item SET story_id = ?, title_tokens = ? WHERE id = ?",
                      arguments: [story, Self.data(from: keys.titleWords), item])
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO story_key (kind, key, at, item_id, source_id) VALUES (?, ?, ?, ?, ?)
            """)
        if let url = keys.canonicalURL { try insert.execute(arguments: ["url", url, at, item, sourceID]) }
        if let cveSet = keys.cveSet { try insert.execute(arguments: ["cve", cveSet, at, item, sourceID]) }
        for band in bands { try insert.execute(arguments: ["title", band, at, item, sourceID]) }
    }

    /// The oldest story holding an item with this key (an item joins the oldest story it
    /// shares a key with): one value, however many items share the key (a story told by a
    /// hundred sources would otherwise be read whole for each new item of it).
    private static func storiesWithKey(_ db: Database, kind: String, key: String, around at: Double,
                                       within window: TimeInterval?) throws -> [Int64] {
        let statement = try db.cachedStatement(sql: """
            SELECT min(item.story_id) FROM story_key CROSS JOIN item ON item.id = story_key.item_id
            WHERE story_key.kind = ? AND story_key.key = ? AND story_key.at BETWEEN ? AND ? AND item.story_id IS NOT NULL
            """)
        let span = window ?? .greatestFiniteMagnitude
        return try Int64.fetchOne(statement, arguments: [kind, key, at - span, at + span]).map { [$0] } ?? []
    }

    // MARK: Editors' corrections

    /// Moves every item of `other`'s story into `item`'s story; returns that story. The emptied
    /// story is removed.
    @discardableResult
    public func mergeStories(item: Int64, other: Int64) throws -> Int64 {
        try write { db in
            let target = try storyOf(db, item: item)
            let source = try storyOf(db, item: other)
            guard target != source else { return target }
            try db.execute(sql: "UPDATE item SET story_id = ? WHERE story_id = ?", arguments: [target, source])
            try db.execute(sql: "DELETE FROM story WHERE id = ?", arguments: [source])
            return target
        }
    }

    /// Takes an item out of its story into a story of its own; returns the new story.
    @discardableResult
    public func splitStory(item: Int64, now: Date = Date()) throws -> Int64 {
        try write { db in
            let story = try storyOf(db, item: item)
            let members = try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE story_id = ?", arguments: [story]) ?? 0
            guard members > 1 else { return story }
            try db.execute(sql: "INSERT INTO story (created_at) VALUES (?)", arguments: [now.timeIntervalSince1970])
            let newStory = db.lastInsertedRowID
            try db.execute(sql: "UPDATE item SET story_id = ? WHERE id = ?", arguments: [newStory, item])
            return newStory
        }
    }

    /// Every item of the story `item` belongs to (itself included), oldest first.
    public func storyMembers(of item: Int64) throws -> [StoryMember] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT item.id, item.source_id, source.title AS source_title, item.title, item.link, item.sort_at
                FROM item JOIN source ON source.id = item.source_id
                WHERE item.story_id = (SELECT story_id FROM item WHERE id = ?)
                ORDER BY item.sort_at, item.id
                """, arguments: [item]).map { row in
                StoryMember(itemID: row["id"], sourceID: row["source_id"], sourceTitle: row["source_title"],
                            title: row["title"] ?? "", link: row["link"], listedAt: Date(timeIntervalSince1970: row["sort_at"]))
            }
        }
    }

    private func storyOf(_ db: Database, item: Int64) throws -> Int64 {
        guard let row = try Row.fetchOne(db, sql: "SELECT story_id FROM item WHERE id = ?", arguments: [item]) else {
            throw StoreError("no item \(item)")
        }
        guard let story = row["story_id"] as Int64? else {
            throw StoreError("item \(item) is not in a story yet (stories are formed after tagging, by the next run)")
        }
        return story
    }

    private static func data(from words: [UInt32]) -> Data {
        var data = Data(capacity: words.count * 4)
        for word in words { withUnsafeBytes(of: word.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    private static func words(from data: Data?) -> [UInt32] {
        guard let data else { return [] }
        return stride(from: 0, to: data.count - 3, by: 4).map { offset in
            data[data.startIndex + offset..<data.startIndex + offset + 4].enumerated()
                .reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        }
    }
}
