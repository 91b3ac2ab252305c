import Foundation
import GRDB
import Model

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
                var items: [UngroupedItem] = []
                try FastStatement(db, """
                    SELECT id, source_id, link, title, sort_at FROM item INDEXED BY item_unstoried WHERE story_id IS NULL
                    ORDER BY sort_at, id LIMIT \(Self.groupingBatch)
                    """).forEachRow(db) { row in
                    items.append(UngroupedItem(id: row.integer(0) ?? 0, sourceID: row.text(1) ?? "", link: row.text(2), title: row.text(3),
                                               at: row.real(4) ?? 0))
                }
                let cvesOfItem = try FastStatement(db, "SELECT cve FROM item_cve WHERE item_id = ?")
                for index in items.indices {
                    try cvesOfItem.forEachRow(db, .integer(items[index].id)) { row in items[index].cves.append(row.text(0) ?? "") }
                }
                // The keys are a pure function of the item, and most of the work: computed on every core.
                let keys = items.concurrentMap { item in
                    let itemKeys = StoryKeys(link: item.link, title: item.title, cves: item.cves)
                    return (itemKeys, itemKeys.titleBands)
                }
                let statements = try GroupingStatements(db)
                for (item, (itemKeys, bands)) in zip(items, keys) {
                    try Self.group(db, item: item, keys: itemKeys, bands: bands, statements: statements, now: now, into: &grouping)
                }
                return items.count < Self.groupingBatch
            }
            if done { return grouping }
        }
    }

    private struct UngroupedItem: Sendable {
        var id: Int64
        var sourceID: String
        var link: String?
        var title: String?
        var at: Double
        var cves: [String] = []
    }

    /// What grouping an item reads and writes, prepared once per batch.
    private struct GroupingStatements {
        /// The earliest item of the oldest story with a canonical URL, and its story.
        let storyWithURL: FastStatement
        /// The oldest story with a CVE set within a time window.
        let storyWithCVEs: FastStatement
        /// Items of other sources filed under a title band within a time window, nearest first.
        let itemsWithTitleBand: FastStatement
        let storyAndTitle: FastStatement
        let titleAndDate: FastStatement
        let newStory: FastStatement
        let setStory: FastStatement
        let fileKey: FastStatement

        init(_ db: Database) throws {
            storyWithURL = try FastStatement(db, """
                SELECT story_id, item_id FROM story_key INDEXED BY story_key_by_story WHERE kind = 'url' AND key = ?
                ORDER BY story_id, at LIMIT 1
                """)
            storyWithCVEs = try FastStatement(db, """
                SELECT story_id FROM story_key INDEXED BY story_key_by_story WHERE kind = 'cve' AND key = ? AND at BETWEEN ? AND ?
                ORDER BY story_id LIMIT 1
                """)
            itemsWithTitleBand = try FastStatement(db, """
                SELECT item_id FROM story_key
                WHERE kind = 'title' AND key = ? AND at BETWEEN ? AND ? AND source_id != ?
                ORDER BY at DESC LIMIT \(Store.titleCandidatesPerBand)
                """)
            storyAndTitle = try FastStatement(db, "SELECT story_id, title_tokens FROM item WHERE id = ?")
            titleAndDate = try FastStatement(db, "SELECT title_tokens, sort_at FROM item WHERE id = ?")
            newStory = try FastStatement(db, "INSERT INTO story (created_at) VALUES (?)")
            setStory = try FastStatement(db, "UPDATE item SET story_id = ?, title_tokens = ? WHERE id = ?")
            fileKey = try FastStatement(db, """
                INSERT OR IGNORE INTO story_key (kind, key, at, item_id, source_id, story_id) VALUES (?, ?, ?, ?, ?, ?)
                """)
        }
    }

    private static func group(_ db: Database, item: UngroupedItem, keys: StoryKeys, bands: [String], statements: GroupingStatements,
                              now: Date, into grouping: inout StoryGrouping) throws {
        var stories = Set<Int64>()
        /// An item of the story with the same canonical URL (the earliest of the oldest story).
        var sameURL: Int64?
        if let url = keys.canonicalURL,
           let (story, other) = try statements.storyWithURL.firstRow(db, .text(url), body: { ($0.integer(0), $0.integer(1)) }) {
            if let story { stories.insert(story) }
            sameURL = other
        }
        if let cveSet = keys.cveSet,
           let story = try statements.storyWithCVEs.firstRow(
               db, .text(cveSet), .real(item.at - cveWindow), .real(item.at + cveWindow), body: { $0.integer(0) }) ?? nil {
            stories.insert(story)
        }
        // An item whose canonical URL or CVE set is already in a story joins it: titles are compared only
        // to find the same story at another address (for a story syndicated by a hundred feeds,
        // comparing titles again for each copy was most of the grouping time).
        if !bands.isEmpty && stories.isEmpty {
            var bandsShared: [Int64: Int] = [:]
            for band in bands {
                try statements.itemsWithTitleBand.forEachRow(
                    db, .text(band), .real(item.at - titleWindow), .real(item.at + titleWindow), .text(item.sourceID)) { row in
                    if let candidate = row.integer(0) { bandsShared[candidate, default: 0] += 1 }
                }
            }
            for (candidate, shared) in bandsShared.sorted(by: { $0.key < $1.key }) where shared >= StoryKeys.bandsToConfirm {
                guard let (story, tokens) = try statements.storyAndTitle.firstRow(db, .integer(candidate), body: { ($0.integer(0), $0.blob(1)) }),
                      let story else { continue }
                if StoryKeys.titleSimilarity(keys.titleWords, Self.words(from: tokens)) >= StoryKeys.titleSimilarityThreshold {
                    stories.insert(story)
                }
            }
        }
        let story: Int64
        if let oldest = stories.min() {
            story = oldest
            grouping.joined += 1
        } else {
            try statements.newStory.run(db, .real(now.timeIntervalSince1970))
            story = db.lastInsertedRowID
            grouping.started += 1
        }
        let titleTokens = Self.data(from: keys.titleWords)
        try statements.setStory.run(db, .integer(story), .blob(titleTokens), .integer(item.id))
        func file(_ kind: String, _ key: String) throws {
            try statements.fileKey.run(db, .text(kind), .text(key), .real(item.at), .integer(item.id), .text(item.sourceID), .integer(story))
        }
        if let url = keys.canonicalURL { try file("url", url) }
        if let cveSet = keys.cveSet { try file("cve", cveSet) }
        // A copy of an article already filed (same address, same title, about the same time, as
        // a syndicated story is) would file the very same title bands again: the first copy's
        // bands find the story for a later item as well as its own would. A story told by a
        // hundred feeds files its bands once rather than a hundred times.
        if let sameURL, sameURL != item.id,
           let (tokens, at) = try statements.titleAndDate.firstRow(db, .integer(sameURL), body: { ($0.blob(0), $0.real(1)) }),
           tokens == titleTokens, let at, abs(at - item.at) <= Self.twinTolerance {
            return
        }
        for band in bands { try file("title", band) }
    }

    /// How far apart two copies of one article may be listed and still file their title once:
    /// a title window's edge moves by at most this much.
    private static let twinTolerance: TimeInterval = 3600

    // MARK: Editors' corrections

    /// Moves every item of `other`'s story into `item`'s story; returns that story. The emptied
    /// story is removed.
    @discardableResult
    public func mergeStories(item: Int64, other: Int64) throws -> Int64 {
        try write { db in
            let target = try storyOf(db, item: item)
            let source = try storyOf(db, item: other)
            guard target != source else { return target }
            try db.execute(sql: """
                UPDATE story_key SET story_id = ? WHERE item_id IN (SELECT id FROM item WHERE story_id = ?)
                """, arguments: [target, source])
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
            try db.execute(sql: "UPDATE story_key SET story_id = ? WHERE item_id = ?", arguments: [newStory, item])
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
