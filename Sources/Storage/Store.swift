import Foundation
import GRDB
import Model

/// The database of one cyberveille installation.
public final class Store: Sendable {
    let pool: DatabasePool
    let writerLock: WriterLock
    let openLock: OpenLock
    public let path: String

    /// Opens (creating it and its folder if needed) and migrates the database at `path`.
    /// `busyTimeout`: how long a statement waits for SQLite's own locks (writers queue on
    /// `WriterLock` first, so that this is seldom reached).
    public init(path: String, busyTimeout: TimeInterval = 10) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        writerLock = try WriterLock(databasePath: path)
        openLock = try OpenLock(databasePath: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 64 MiB of page cache per connection (default 2): the unique and date indexes of a large
            // archive stay in memory while a round writes.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // Pages read through a memory map rather than a read() each (a round re-reads the
            // items it just stored, to tag, group and index them).
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            // A checkpoint every 64 MiB of log rather than 4: a page written by several
            // transactions of a round is copied back to the database once.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            db.add(function: SearchText.bodyFunction)
            db.add(tokenizer: SearchTokenizer.self)
            try SearchRank.register(db)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if try pool.read(Migrations.migrator.hasBeenSuperseded) {
                throw StoreError("\(path): written by a newer cyberveille (its schema has changes this version does not know); "
                                 + "run that version, or restore the backup taken before the upgrade (docs/operations.md)")
            }
            try Migrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError("\(path): cannot open the database: \(error.message ?? error.description)")
        }
    }

    // MARK: Sources

    /// Makes the source table match the sources file; fetch state of known sources is kept,
    /// and sources no longer listed keep their rows (their items stay published).
    public func syncSources(_ sources: [Source]) throws {
        try write { db in
            for source in sources {
                try db.cached("""
                    INSERT INTO source (id, title, url, kind, language, homepage, tlp) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET title = excluded.title, url = excluded.url, kind = excluded.kind,
                        language = excluded.language, homepage = excluded.homepage, tlp = excluded.tlp,
                        -- validators and redirects belong to the old URL
                        etag = CASE WHEN source.url = excluded.url THEN source.etag END,
                        last_modified = CASE WHEN source.url = excluded.url THEN source.last_modified END,
                        fetch_url = CASE WHEN source.url = excluded.url THEN source.fetch_url END,
                        moved_to = CASE WHEN source.url = excluded.url THEN source.moved_to END,
                        moved_count = CASE WHEN source.url = excluded.url THEN source.moved_count ELSE 0 END
                    """, arguments: [source.id, source.title, source.url, source.kind.rawValue, source.language, source.homepage,
                                     source.tlp])
            }
        }
    }

    /// Every source known to the database, by title: the desk's filter lists them.
    public func sourceTitles() throws -> [(id: String, title: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title FROM source ORDER BY title COLLATE NOCASE, id").map { ($0["id"], $0["title"]) }
        }
    }

    public func sourceStates() throws -> [String: SourceState] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM source")
            var states: [String: SourceState] = [:]
            for row in rows {
                let id: String = row["id"]
                states[id] = SourceState(
                    sourceID: id, etag: row["etag"], lastModified: row["last_modified"],
                    lastAttemptAt: Self.date(row["last_attempt_at"]), lastSuccessAt: Self.date(row["last_success_at"]),
                    lastStatus: row["last_status"], consecutiveFailures: row["consecutive_failures"],
                    lastError: row["last_error"], nextDueAt: Self.date(row["next_due_at"]),
                    disabledAt: Self.date(row["disabled_at"]), disabledReason: row["disabled_reason"],
                    notBefore: Self.date(row["not_before"]), fetchURL: row["fetch_url"], movedTo: row["moved_to"])
            }
            return states
        }
    }

    public func recordFetch(sourceID: String, _ record: FetchRecord) throws {
        try recordFetches([(sourceID, record)])
    }

    /// Several sources' polls in one transaction (a round of 304s writes nothing else).
    public func recordFetches(_ records: [(sourceID: String, record: FetchRecord)]) throws {
        guard !records.isEmpty else { return }
        try write { db in
            for (sourceID, record) in records {
                switch record.result {
                case .success(let etag, let lastModified):
                    try db.cached("""
                        UPDATE source SET last_attempt_at = ?, last_success_at = ?, last_status = ?, consecutive_failures = 0,
                            last_error = NULL, next_due_at = ?, not_before = NULL, etag = ?, last_modified = ? WHERE id = ?
                        """, arguments: [record.at.timeIntervalSince1970, record.at.timeIntervalSince1970, record.status,
                                         record.nextDueAt.timeIntervalSince1970, etag, lastModified, sourceID])
                case .notModified:
                    try db.cached("""
                        UPDATE source SET last_attempt_at = ?, last_success_at = ?, last_status = ?, consecutive_failures = 0,
                            last_error = NULL, next_due_at = ?, not_before = NULL WHERE id = ?
                        """, arguments: [record.at.timeIntervalSince1970, record.at.timeIntervalSince1970, record.status,
                                         record.nextDueAt.timeIntervalSince1970, sourceID])
                case .failure(let message):
                    try db.cached("""
                        UPDATE source SET last_attempt_at = ?, last_status = ?, consecutive_failures = consecutive_failures + 1,
                            last_error = ?, next_due_at = ?, not_before = ? WHERE id = ?
                        """, arguments: [record.at.timeIntervalSince1970, record.status, message,
                                         record.nextDueAt.timeIntervalSince1970, record.notBefore?.timeIntervalSince1970, sourceID])
                }
            }
        }
    }

    /// Counts consecutive polls that ended in the same permanent redirect (nil: none this time).
    /// At `threshold` the source is polled at the new URL from then on; returns true then.
    public func recordPermanentRedirect(sourceID: String, to target: String?, threshold: Int = 3) throws -> Bool {
        try write { db in
            guard let target else {
                try db.execute(sql: "UPDATE source SET moved_to = NULL, moved_count = 0 WHERE id = ?", arguments: [sourceID])
                return false
            }
            try db.execute(sql: """
                UPDATE source SET moved_count = CASE WHEN moved_to = ? THEN moved_count + 1 ELSE 1 END, moved_to = ?
                WHERE id = ?
                """, arguments: [target, target, sourceID])
            let count = try Int.fetchOne(db, sql: "SELECT moved_count FROM source WHERE id = ?", arguments: [sourceID]) ?? 0
            guard count >= threshold else { return false }
            try db.execute(sql: "UPDATE source SET fetch_url = ?, moved_to = NULL, moved_count = 0 WHERE id = ?",
                           arguments: [target, sourceID])
            return true
        }
    }

    /// Stops polling a source, keeping why; its items stay.
    public func disableSource(_ id: String, reason: String, at date: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE source SET disabled_at = ?, disabled_reason = ? WHERE id = ?",
                           arguments: [date.timeIntervalSince1970, reason, id])
        }
    }

    /// Polls a disabled source again, from the next run. False when there is no such source.
    @discardableResult
    public func enableSource(_ id: String) throws -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE source SET disabled_at = NULL, disabled_reason = NULL, next_due_at = NULL, consecutive_failures = 0
                WHERE id = ?
                """, arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Items

    /// Inserts new items, updates changed ones (keeping the previous version as a revision),
    /// and skips unchanged ones by content hash. One transaction per call: a feed's items land
    /// together or not at all.
    public func upsertItems(sourceID: String, _ items: [ParsedItem], at now: Date = Date()) throws -> UpsertResult {
        try write { db in try Self.upsertItems(db, sourceID: sourceID, items, at: now) }
    }

    static func upsertItems(_ db: Database, sourceID: String, _ items: [ParsedItem], at now: Date) throws -> UpsertResult {
        do {
            var result = UpsertResult()
            // Identities first, each once (a document may repeat an item), then what is stored of
            // them in a few queries rather than one per item: re-reading an unchanged feed is
            // mostly this lookup.
            var seenIdentities = Set<String>()
            let unique = items.compactMap { item -> (ParsedItem, String)? in
                let identity = ContentHash.identity(of: item)
                return seenIdentities.insert(identity).inserted ? (item, identity) : nil
            }
            let hashes = unique.map { ContentHash.of($0.0) }
            // The same batch as last time (a feed served again unchanged, without a validator for
            // a conditional request): every item is stored as it is, or was purged then.
            var batch = StableHash.Hasher()
            for ((_, identity), hash) in zip(unique, hashes) { batch.combine(list: [identity, hash]) }
            let digest = batch.hex
            if let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT digest, purged FROM source_batch_digest WHERE source_id = ?"),
                                           arguments: [sourceID]), last["digest"] as String == digest {
                result.purged = last["purged"]
                result.unchanged = unique.count - result.purged
                return result
            }
            let stored = try Self.storedVersions(db, sourceID: sourceID, identities: unique.map(\.1))
            let hasTombstones = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM item_tombstone WHERE source_id = ?)"),
                                                  arguments: [sourceID]) == true
            let purged = hasTombstones
                ? try Self.tombstones(db, sourceID: sourceID, identities: unique.map(\.1).filter { stored[$0] == nil }) : []
            let pending = try db.cachedStatement(sql: "INSERT OR IGNORE INTO item_search_pending (item_id) VALUES (?)")
            let indexedThrough = try Int64.fetchOne(db.cachedStatement(sql: "SELECT indexed_through FROM search_index_state")) ?? 0
            let insert = FastStatement(try db.cachedStatement(sql: """
                INSERT INTO item (source_id, identity, guid, title, link, summary, content, authors, categories, enclosures,
                    language, published_at, updated_at, first_seen_at, sort_at, content_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """))
            for ((item, identity), hash) in zip(unique, hashes) {
                if let existing = stored[identity] {
                    let id = existing.id
                    guard existing.hash != hash else {
                        result.unchanged += 1
                        continue
                    }
                    let changed = try Self.changedFields(db, itemID: id, newVersion: item)
                    try db.cached("""
                        INSERT INTO item_revision (item_id, replaced_at, title, link, summary, content, published_at, updated_at,
                            content_hash, changed_fields)
                        SELECT id, ?, title, link, summary, content, published_at, updated_at, content_hash, ? FROM item WHERE id = ?
                        """, arguments: [now.timeIntervalSince1970, changed.joined(separator: ","), id])
                    try db.cached("""
                        UPDATE item SET guid = ?, title = ?, link = ?, summary = ?, content = ?, authors = ?, categories = ?,
                            enclosures = ?, language = ?, published_at = ?, updated_at = ?, changed_at = ?,
                            sort_at = min(coalesce(?, first_seen_at), first_seen_at), content_hash = ?, tagged_hash = NULL
                        WHERE id = ?
                        """, arguments: [item.id, item.title, item.link, item.summary, item.content, Self.json(item.authors),
                                         Self.json(item.categories), Self.json(item.enclosures), item.language,
                                         item.published?.timeIntervalSince1970, item.updated?.timeIntervalSince1970,
                                         now.timeIntervalSince1970, (item.published ?? item.updated)?.timeIntervalSince1970, hash, id])
                    try pending.execute(arguments: [id])
                    try Self.saveAdvisory(db, itemID: id, item.advisory)
                    result.updatedItemIDs.append(id)
                } else if purged.contains(identity) {
                    result.purged += 1  // retention removed it; a feed that still carries it does not make it new
                } else {
                    try insert.run(db, .text(sourceID), .text(identity), .text(item.id), .text(item.title), .text(item.link),
                                   .text(item.summary), .text(item.content), .text(Self.json(item.authors)),
                                   .text(Self.json(item.categories)), .text(Self.json(item.enclosures)), .text(item.language),
                                   .real(item.published?.timeIntervalSince1970), .real(item.updated?.timeIntervalSince1970),
                                   .real(now.timeIntervalSince1970), .real(Self.sortDate(item, firstSeen: now)), .text(hash))
                    let id = db.lastInsertedRowID
                    // Ids above the mark are indexed by range; an id at or below it (the last items
                    // deleted, their ids reused) must be listed.
                    if id <= indexedThrough { try pending.execute(arguments: [id]) }
                    try Self.saveAdvisory(db, itemID: id, item.advisory)
                    result.newItemIDs.append(id)
                }
            }
            try db.cached("""
                INSERT INTO source_batch_digest (source_id, digest, purged) VALUES (?, ?, ?)
                ON CONFLICT (source_id) DO UPDATE SET digest = excluded.digest, purged = excluded.purged
                """, arguments: [sourceID, digest, result.purged])
            return result
        }
    }

    /// Items whose tags are missing, or older than their content or than the rules
    /// (`rulesFingerprint`): `tagged_hash` records both. When every item was tagged with these
    /// rules (`finishTagging`), only items never tagged since are read, from an index.
    public func itemsToTag(rulesFingerprint: String) throws -> [ItemText] {
        try pool.read { db in
            let taggedWith = try String.fetchOne(db, sql: "SELECT rules_fingerprint FROM tagging_state")
            let condition = taggedWith == rulesFingerprint
                ? "item.tagged_hash IS NULL"
                : "item.tagged_hash IS NULL OR item.tagged_hash != item.content_hash || ':' || ?2"
            return try Row.fetchAll(db, sql: """
                SELECT item.id, item.title, item.summary, item.content, coalesce(item.language, source.language) AS language,
                    item.content_hash || ':' || ?1 AS content_hash,
                    EXISTS (SELECT 1 FROM item_tag WHERE item_tag.item_id = item.id)
                        OR EXISTS (SELECT 1 FROM item_cve WHERE item_cve.item_id = item.id)
                        OR EXISTS (SELECT 1 FROM item_product WHERE item_product.item_id = item.id) AS was_tagged,
                    advisory.item_id IS NOT NULL AS is_advisory, item.link, item.identity, advisory.cvss AS advisory_cvss,
                    (SELECT group_concat(cves.value) FROM json_each(advisory.facts, '$.cves') AS cves) AS advisory_cves
                FROM item JOIN source ON source.id = item.source_id LEFT JOIN item_advisory advisory ON advisory.item_id = item.id
                WHERE \(condition)
                """, arguments: taggedWith == rulesFingerprint ? [rulesFingerprint] : [rulesFingerprint, rulesFingerprint]).map { row in
                ItemText(id: row["id"], title: row["title"] ?? "", summary: row["summary"] ?? "", content: row["content"] ?? "",
                         language: row["language"], contentHash: row["content_hash"], wasTagged: row["was_tagged"],
                         isAdvisory: row["is_advisory"], references: [row["link"], row["identity"]].compactMap { $0 },
                         advisoryCVEs: ((row["advisory_cves"] as String?) ?? "").split(separator: ",").map(String.init),
                         advisoryCVSS: row["advisory_cvss"])
            }
        }
    }

    /// Records that every item `itemsToTag` gave was tagged with these rules.
    public func finishTagging(rulesFingerprint: String) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO tagging_state (singleton, rules_fingerprint) VALUES (1, ?)
                ON CONFLICT (singleton) DO UPDATE SET rules_fingerprint = excluded.rules_fingerprint
                """, arguments: [rulesFingerprint])
        }
    }

    /// Replaces the automatic tags of items; all in one transaction.
    public func saveClassifications(_ classifications: [(item: ItemText, classification: Classification)]) throws {
        try write { db in
            let deleteTags = try FastStatement(db, "DELETE FROM item_tag WHERE item_id = ?")
            let deleteCVEs = try FastStatement(db, "DELETE FROM item_cve WHERE item_id = ?")
            let insertTag = try FastStatement(db, """
                INSERT OR IGNORE INTO item_tag (item_id, tag_id, rule_id, matched_text, field) VALUES (?, ?, ?, ?, ?)
                """)
            let insertCVE = try FastStatement(db, "INSERT OR IGNORE INTO item_cve (item_id, cve) VALUES (?, ?)")
            let deleteProducts = try FastStatement(db, "DELETE FROM item_product WHERE item_id = ?")
            let insertProduct = try FastStatement(db, """
                INSERT OR IGNORE INTO item_product (item_id, vendor, product, matched_text, field) VALUES (?, ?, ?, ?, ?)
                """)
            // An advisory lists its CVEs and scores as data: those count, whatever its text shows.
            let insertAdvisoryCVEs = try FastStatement(db, """
                INSERT OR IGNORE INTO item_cve (item_id, cve)
                SELECT item_id, cves.value FROM item_advisory, json_each(item_advisory.facts, '$.cves') AS cves
                WHERE item_id = ?
                """)
            let update = try FastStatement(db, """
                UPDATE item SET health_score = ?, health = ?, tagged_hash = ?, cvss = ?, detected_language = ?,
                    urgency = ?, urgency_reasons = ?, urgency_kev = ? WHERE id = ?
                """)
            let awaitPolicy = try FastStatement(db, "INSERT OR IGNORE INTO curation_pending (item_id) VALUES (?)")
            let updateAdvisory = try FastStatement(db, """
                UPDATE item SET health_score = ?, health = ?, tagged_hash = ?,
                    cvss = coalesce((SELECT cvss FROM item_advisory WHERE item_id = item.id), ?), detected_language = ?,
                    urgency = ?, urgency_reasons = ?, urgency_kev = ?
                WHERE id = ?
                """)
            for (item, classification) in classifications {
                let id = FastValue.integer(item.id)
                if item.wasTagged {
                    try deleteTags.run(db, id)
                    try deleteCVEs.run(db, id)
                    try deleteProducts.run(db, id)
                }
                // An advisory names its products as data (AdvisoryFacts.vendorProducts): its text is not read for them.
                if !item.isAdvisory {
                    for product in classification.products {
                        try insertProduct.run(db, id, .text(product.vendor), .text(product.product), .text(product.matchedText), .text(product.field))
                    }
                }
                for evidence in classification.evidence {
                    try insertTag.run(db, id, .text(evidence.tagID), .text(evidence.ruleID), .text(evidence.matchedText), .text(evidence.field))
                }
                for cve in classification.cves { try insertCVE.run(db, id, .text(cve)) }
                if item.isAdvisory { try insertAdvisoryCVEs.run(db, id) }
                try (item.isAdvisory ? updateAdvisory : update).run(
                    db, .real(classification.score), .integer(classification.health ? 1 : 0), .text(item.contentHash),
                    .real(classification.cvss), .text(classification.detectedLanguage),
                    .integer(Int64(classification.urgency.rawValue)), .text(Self.encodeReasons(classification.urgencyReasons)),
                    .integer(classification.urgencyReasons.contains { $0.kind == .knownExploited } ? 1 : 0), id)
                try awaitPolicy.run(db, id)
            }
        }
    }

    /// Urgency reasons as stored: one line each, "kind<TAB>rule<TAB>field<TAB>text". Every item of
    /// a round is written and every published item read this way, so no JSON coder per item; the
    /// matched text's own tabs and line breaks become spaces.
    static func encodeReasons(_ reasons: [UrgencyReason]) -> String? {
        guard !reasons.isEmpty else { return nil }
        return reasons.map { reason in
            let text = String(reason.matchedText.map { $0 == "\t" || $0.isNewline ? " " : $0 })
            return "\(reason.kind.rawValue)\t\(reason.ruleID)\t\(reason.field)\t\(text)"
        }.joined(separator: "\n")
    }

    /// Lines of an unknown kind (written by a later version) are left out.
    static func decodeReasons(_ text: String?) -> [UrgencyReason] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let kind = UrgencyReason.Kind(rawValue: String(parts[0])) else { return nil }
            return UrgencyReason(kind: kind, ruleID: String(parts[1]), matchedText: String(parts[3]), field: String(parts[2]))
        }
    }

    /// The CVEs of CISA's KEV catalog, as the urgency judgment looks them up.
    public func knownExploitedCVEs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT cve FROM cve_info WHERE kev_added IS NOT NULL")) }
    }

    /// Items judged before one of their CVEs joined the KEV catalog lose their tags' hash, so
    /// that the next tagging judges them again (the catalog changes daily; the rules rarely).
    @discardableResult
    public func retagNewlyKnownExploited() throws -> Int {
        try write { db in
            try db.execute(sql: """
                UPDATE item SET tagged_hash = NULL
                WHERE tagged_hash IS NOT NULL AND urgency_kev = 0 AND id IN (
                    SELECT item_cve.item_id FROM cve_info JOIN item_cve ON item_cve.cve = cve_info.cve
                    WHERE cve_info.kev_added IS NOT NULL)
                """)
            return db.changesCount
        }
    }

    /// The most recent items, newest first, with their source and tags.
    public func latestItems(limit: Int) throws -> [PublishedItem] {
        try items(where: "1", arguments: [], limit: limit)
    }

    /// What the portal publishes, newest first: the items about health whose source and
    /// document are not marked TLP other than CLEAR/WHITE (those are kept, never published).
    /// `unreviewed`: also the queued items no editor has decided on (the policy's
    /// `publish_unreviewed`), so that the daily run publishes without editors.
    public func publishableItems(limit: Int, unreviewed: Bool = true) throws -> [PublishedItem] {
        let condition = Self.publishable(unreviewed: unreviewed)
        return try items(where: condition, arguments: [], limit: limit, publicCondition: condition)
    }

    /// Items an editor withdrew after they were on the site (rejected after publication, or,
    /// with `unreviewed`, while published unreviewed), newest first: their pages stay, saying so.
    public func withdrawnItems(limit: Int, unreviewed: Bool = true) throws -> [PublishedItem] {
        try pool.read { db in try Self.withdrawnItems(db, limit: limit, unreviewed: unreviewed) }
    }

    private static func withdrawnItems(_ db: Database, limit: Int, unreviewed: Bool) throws -> [PublishedItem] {
        try items(db, where: """
            c.state = 'rejected' AND c.updated_by != 'policy'
            AND (EXISTS (SELECT 1 FROM audit_log WHERE audit_log.item_id = item.id AND audit_log.action = 'published')
                 \(unreviewed ? "OR item.health = 1 OR item.urgency = 2" : ""))
            AND coalesce(lower(source.tlp), 'clear') IN ('clear', 'white')
            AND coalesce(lower(item.tlp), 'clear') IN ('clear', 'white')
            """, arguments: [], limit: limit)
    }

    /// The items a publication shows and those it shows as withdrawn, read in one transaction:
    /// read apart, an editor's rejection between the two reads put an item in both lists (two
    /// pages at one path; found by the one-process stress test).
    public func publicationItems(limit: Int, unreviewed: Bool = true) throws -> (published: [PublishedItem], withdrawn: [PublishedItem]) {
        try pool.read { db in
            let condition = Self.publishable(unreviewed: unreviewed)
            return (try Self.items(db, where: condition, arguments: [], limit: limit, publicCondition: condition),
                    try Self.withdrawnItems(db, limit: limit, unreviewed: unreviewed))
        }
    }

    /// What may be shown on the public site, as SQL over `item` joined to `source`: selected or
    /// published by editors (or the policy), or — `unreviewed` — about health and still waiting
    /// in the queue; and neither the source nor the document marked TLP other than CLEAR/WHITE.
    /// The one place that says it: items, and the other sources of their stories, go through it.
    static func publishable(unreviewed: Bool) -> String {
        """
        (coalesce((SELECT state FROM item_curation WHERE item_curation.item_id = item.id),
                  CASE WHEN item.health = 1 OR item.urgency = 2 THEN 'queued' ELSE 'new' END) IN ('selected', 'published')
         \(unreviewed ? "OR ((item.health = 1 OR item.urgency = 2) AND coalesce((SELECT state FROM item_curation WHERE item_curation.item_id = item.id), 'queued') = 'queued')" : ""))
        AND coalesce(lower(source.tlp), 'clear') IN ('clear', 'white')
        AND coalesce(lower(item.tlp), 'clear') IN ('clear', 'white')
        """
    }

    /// The items of each story, oldest first, with their source.
    private static func storyMentions(_ db: Database, stories: Set<Int64>, publicCondition: String?) throws -> [Int64: [(id: Int64, mention: StoryMention)]] {
        var mentions: [Int64: [(id: Int64, mention: StoryMention)]] = [:]
        for chunk in lookupChunks(Array(stories)) {
            for row in try Row.fetchAll(db, sql: """
                SELECT item.story_id, item.id, source.title AS source_title, item.title, item.link
                FROM item JOIN source ON source.id = item.source_id
                WHERE item.story_id IN (\(databaseQuestionMarks(count: chunk.count))) \(publicCondition.map { "AND " + $0 } ?? "")
                ORDER BY item.sort_at, item.id
                """, arguments: StatementArguments(chunk)) {
                mentions[row["story_id"], default: []].append((row["id"], StoryMention(
                    sourceTitle: row["source_title"], title: row["title"] ?? "", link: row["link"])))
            }
        }
        return mentions
    }

    /// What the rules matched in each item, in the order they were stored.
    static func tagEvidence(_ db: Database, itemIDs: [Int64]) throws -> [Int64: [TagEvidence]] {
        var evidence: [Int64: [TagEvidence]] = [:]
        for chunk in lookupChunks(itemIDs) {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM item_tag WHERE item_id IN (\(databaseQuestionMarks(count: chunk.count))) ORDER BY rowid",
                                        arguments: StatementArguments(chunk)) {
                evidence[row["item_id"], default: []].append(TagEvidence(
                    tagID: row["tag_id"], ruleID: row["rule_id"], matchedText: row["matched_text"], field: row["field"]))
            }
        }
        return evidence
    }

    /// `publicCondition`: the other sources of each item's story are only those that may be published.
    private func items(where condition: String, arguments: StatementArguments, limit: Int, publicCondition: String? = nil) throws -> [PublishedItem] {
        try pool.read { db in try Self.items(db, where: condition, arguments: arguments, limit: limit, publicCondition: publicCondition) }
    }

    private static func items(_ db: Database, where condition: String, arguments: StatementArguments, limit: Int,
                              publicCondition: String? = nil) throws -> [PublishedItem] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT item.*, source.title AS source_title,
                coalesce(item.language, source.language, item.detected_language) AS item_language,
                c.state AS curation_state, coalesce(c.pinned, 0) AS pinned, coalesce(c.handled, 0) AS handled, c.updated_at AS decided_at, c.title_override, c.note_html
            FROM item JOIN source ON source.id = item.source_id LEFT JOIN item_curation c ON c.item_id = item.id
            WHERE \(condition)
            ORDER BY item.sort_at DESC, item.id DESC LIMIT ?
            """, arguments: arguments + [limit])
        let ids = rows.map { $0["id"] as Int64 }
        let tags = try tagEvidence(db, itemIDs: ids)
        var cves: [Int64: [CVEDetail]] = [:]
        if !ids.isEmpty {
            let placeholders = databaseQuestionMarks(count: ids.count)
            for row in try Row.fetchAll(db, sql: """
                SELECT item_cve.item_id, item_cve.cve, cve_info.* FROM item_cve LEFT JOIN cve_info ON cve_info.cve = item_cve.cve
                WHERE item_cve.item_id IN (\(placeholders)) ORDER BY item_cve.cve
                """, arguments: StatementArguments(ids)) {
                cves[row["item_id"], default: []].append(CVEDetail(
                    cve: row[1], knownExploitedSince: row["kev_added"], remediationDue: row["kev_due"],
                    knownRansomwareUse: row["kev_ransomware"] ?? false, epss: row["epss"], epssPercentile: row["epss_percentile"]))
            }
        }
        var products: [Int64: [ProductMention]] = [:]
        for chunk in Self.lookupChunks(ids) {
            for row in try Row.fetchAll(db, sql: """
                SELECT item_id, vendor, product, matched_text, field FROM item_product WHERE item_id IN (\(databaseQuestionMarks(count: chunk.count)))
                ORDER BY item_id, vendor, product
                """, arguments: StatementArguments(chunk)) {
                products[row["item_id"], default: []].append(ProductMention(vendor: row["vendor"], product: row["product"],
                                                                             matchedText: row["matched_text"], field: row["field"]))
            }
        }
        let mentions = try Self.storyMentions(db, stories: Set(rows.compactMap { $0["story_id"] as Int64? }), publicCondition: publicCondition)
        let advisories = try Self.advisoryFacts(db, itemIDs: ids)
        var manual: [Int64: [(tag: String, added: Bool)]] = [:]
        for chunk in Self.lookupChunks(ids) {
            for row in try Row.fetchAll(db, sql: """
                SELECT item_id, tag_id, added FROM item_manual_tag WHERE item_id IN (\(databaseQuestionMarks(count: chunk.count)))
                ORDER BY tag_id
                """, arguments: StatementArguments(chunk)) {
                manual[row["item_id"], default: []].append((row["tag_id"], row["added"]))
            }
        }
        return rows.map { row in
            let id: Int64 = row["id"]
            var item = PublishedItem(
                id: id, stableKey: ContentHash.of([row["source_id"], row["identity"]]), sourceID: row["source_id"], sourceTitle: row["source_title"], title: row["title"] ?? "",
                link: row["link"], summary: row["summary"], content: row["content"],
                authors: Self.decode(row["authors"]) ?? [], published: Self.date(row["published_at"]),
                updated: Self.date(row["updated_at"]) ?? Self.date(row["changed_at"]),
                firstSeen: Self.date(row["first_seen_at"]) ?? Date(timeIntervalSince1970: 0),
                listedAt: Self.date(row["sort_at"]) ?? Date(timeIntervalSince1970: 0),
                language: row["item_language"], healthScore: row["health_score"] ?? 0, health: row["health"] ?? false,
                tags: tags[id] ?? [], cves: (cves[id] ?? []).map(\.cve), cveDetails: cves[id] ?? [], cvss: row["cvss"])
            item.advisory = advisories[id]
            item.productMentions = products[id] ?? []
            item.urgency = UrgencyLevel(rawValue: row["urgency"] ?? 0) ?? .normal
            item.urgencyReasons = Self.decodeReasons(row["urgency_reasons"])
            item.pinned = row["pinned"]
            item.handled = row["handled"]
            item.decidedAt = Self.date(row["decided_at"])
            item.editorNoteHTML = row["note_html"]
            if let override = row["title_override"] as String? { item.title = override }
            item.curationStatus = (row["curation_state"] as String?).flatMap(CurationStatus.init(rawValue:))
            item.tags = Self.applyManualTags(item.tags, manual[id] ?? [])
            if let story = row["story_id"] as Int64? {
                item.alsoReportedBy = (mentions[story] ?? []).filter { $0.id != id }.map(\.mention)
            }
            return item
        }
    }

    public func counts() throws -> StoreCounts {
        try pool.read { db in
            StoreCounts(
                feeds: try Int.fetchOne(db, sql: "SELECT count(*) FROM source") ?? 0,
                items: try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0,
                healthItems: try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE health = 1") ?? 0,
                revisions: try Int.fetchOne(db, sql: "SELECT count(*) FROM item_revision") ?? 0,
                tags: try Int.fetchOne(db, sql: "SELECT count(*) FROM item_tag") ?? 0,
                stories: try Int.fetchOne(db, sql: "SELECT count(*) FROM story") ?? 0,
                tombstones: try Int.fetchOne(db, sql: "SELECT count(*) FROM item_tombstone") ?? 0)
        }
    }

    /// One item as the site shows it, or nil.
    public func item(id: Int64) throws -> PublishedItem? {
        try items(where: "item.id = ?", arguments: [id], limit: 1).first
    }

    /// Brings the full-text index up to date with the items stored or changed since it last was,
    /// in one transaction; returns how many items were indexed. Runs once per round (and before
    /// a search): indexing in bulk costs a fraction of indexing item by item.
    @discardableResult
    public func indexForSearch() throws -> Int {
        try write { db in
            let mark = try Int64.fetchOne(db, sql: "SELECT indexed_through FROM search_index_state") ?? 0
            let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM item") ?? 0
            let revised = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM item_search_pending)") == true
            guard newest > mark || revised else { return 0 }
            let body = "\(SearchText.bodyFunction.name)(item.summary, item.content)"
            var indexed = 0
            if revised {
                try db.execute(sql: "DELETE FROM item_search WHERE rowid IN (SELECT item_id FROM item_search_pending)")
                try db.execute(sql: """
                    INSERT INTO item_search (rowid, title, body)
                    SELECT item.id, coalesce(item.title, ''), \(body)
                    FROM item_search_pending JOIN item ON item.id = item_search_pending.item_id
                    WHERE item.id <= ?
                    """, arguments: [mark])
                indexed += db.changesCount
                try db.execute(sql: "DELETE FROM item_search_pending")
            }
            // New items: a range of ids, read in order.
            try db.execute(sql: """
                INSERT INTO item_search (rowid, title, body)
                SELECT item.id, coalesce(item.title, ''), \(body) FROM item WHERE item.id > ?
                """, arguments: [mark])
            indexed += db.changesCount
            try db.execute(sql: "UPDATE search_index_state SET indexed_through = ?", arguments: [max(mark, newest)])
            return indexed
        }
    }

    /// Ranking reads every match it ranks: words found in a large part of a big archive would
    /// cost seconds. The most recent matches (by storage order) are ranked, which for a watch
    /// is also what a reader looks for; narrower queries are ranked in full.
    static let rankedMatches = 2000

    /// Items matching every word of `query` (case and accents ignored), best first. Items
    /// stored since the last round are indexed first, so that nothing stored is missed.
    public func search(_ query: String, synonyms: SearchSynonyms = .none, limit: Int = 20) throws -> [SearchHit] {
        guard let words = SearchText.matchWords(query, synonyms: synonyms) else { return [] }
        let match = SearchText.expression(words)
        try indexForSearch()
        return try pool.read { db in
            // One count per FTS5 phrase, in the query's order: a synonym is a phrase of its own.
            let documents = try Self.documentFrequencies(db, phrases: words.flatMap { $0 })
            // Ranked on rowids alone first; snippets (which re-read and re-tokenize the text) only
            // for the rows returned. The LIMIT keeps `best` a subquery of its own, and CROSS JOIN
            // keeps it the outer loop (no MATERIALIZED hint: SQLite before 3.35 lacks it).
            return try Row.fetchAll(db, sql: """
                WITH best AS (
                    SELECT rowid AS id, \(SearchRank.functionName)(item_search, 5.0, 1.0\(String(repeating: ", ?", count: documents.count))) AS rank
                    FROM item_search
                    WHERE item_search MATCH ? AND rowid >= coalesce((
                        SELECT min(rowid) FROM (
                            SELECT rowid FROM item_search WHERE item_search MATCH ? ORDER BY rowid DESC LIMIT \(Self.rankedMatches))), 0)
                    ORDER BY rank, rowid DESC LIMIT ?)
                SELECT item.id, item.title, item.link, source.title AS source_title, item.sort_at,
                       snippet(item_search, -1, '[', ']', '…', 12) AS snippet, best.rank AS rank
                FROM best CROSS JOIN item_search ON item_search.rowid = best.id
                    JOIN item ON item.id = best.id JOIN source ON source.id = item.source_id
                WHERE item_search MATCH ?
                ORDER BY best.rank, best.id DESC
                """, arguments: StatementArguments(documents) + [match, match, limit, match]).map { row in
                SearchHit(id: row["id"], title: row["title"] ?? "", link: row["link"], sourceTitle: row["source_title"],
                          date: Date(timeIntervalSince1970: row["sort_at"]), snippet: row["snippet"] ?? "", score: -(row["rank"] as Double))
            }
        }
    }

    /// Matches of a phrase read to count its documents exactly; past that, the count is
    /// extrapolated from how far back in the archive these most recent matches reach.
    static let countedMatches = 4000

    /// How many items hold each phrase (FTS5 phrases, quoted), for ranking.
    static func documentFrequencies(_ db: Database, phrases: [String]) throws -> [Double] {
        // The archive's id span, read once: each bound alone, so that SQLite reads it from the end
        // of the table (no count, no scan).
        var span: (first: Int64, last: Int64)?
        return try phrases.map { phrase in
            let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT count(*) AS matches, min(rowid) AS oldest FROM (
                    SELECT rowid FROM item_search WHERE item_search MATCH ? ORDER BY rowid DESC LIMIT \(Self.countedMatches))
                """), arguments: [phrase])
            let matches: Int = row?["matches"] ?? 0
            guard matches == Self.countedMatches, let oldest: Int64 = row?["oldest"] else { return Double(matches) }
            if span == nil {
                let bounds = try Row.fetchOne(db.cachedStatement(sql: "SELECT (SELECT min(id) FROM item) AS first, (SELECT max(id) FROM item) AS last"))
                span = (bounds?["first"] ?? 0, bounds?["last"] ?? 0)
            }
            guard let (first, last) = span, last > first else { return Double(matches) }
            // The matches read cover ids oldest…last: the share of the archive they stand for.
            let covered = Double(last - oldest + 1) / Double(last - first + 1)
            return min(Double(last - first + 1), Double(matches) / max(covered, 1e-9))
        }
    }

    /// Problems SQLite finds in the database (integrity, foreign keys); empty when sound.
    public func check() throws -> [String] {
        try pool.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") {
                problems.append("foreign key: row \(row[1] as Int64? ?? 0) of \(row[0] as String? ?? "?") points to a missing \(row[2] as String? ?? "?")")
            }
            return problems
        }
    }

    public func recordRun(startedAt: Date, finishedAt: Date, feedsOK: Int, feedsFailed: Int, itemsNew: Int,
                          itemsUpdated: Int, pagesWritten: Int) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO run (started_at, finished_at, feeds_ok, feeds_failed, items_new, items_updated, pages_written)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [startedAt.timeIntervalSince1970, finishedAt.timeIntervalSince1970, feedsOK, feedsFailed,
                                 itemsNew, itemsUpdated, pagesWritten])
        }
    }

    // MARK: Helpers

    /// Row id and content hash of the stored items of a source among `identities`.
    private static func storedVersions(_ db: Database, sourceID: String, identities: [String]) throws -> [String: (id: Int64, hash: String)] {
        var stored: [String: (id: Int64, hash: String)] = [:]
        for chunk in lookupChunks(identities) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT identity, id, content_hash FROM item WHERE source_id = ? AND identity IN (\(databaseQuestionMarks(count: chunk.count)))
                """, arguments: StatementArguments([sourceID] + chunk))
            while let row = try rows.next() { stored[row[0]] = (row[1], row[2]) }
        }
        return stored
    }

    /// The identities among `identities` that retention purged from the source.
    private static func tombstones(_ db: Database, sourceID: String, identities: [String]) throws -> Set<String> {
        var purged = Set<String>()
        for chunk in lookupChunks(identities) {
            purged.formUnion(try String.fetchAll(db, sql: """
                SELECT identity FROM item_tombstone WHERE source_id = ? AND identity IN (\(databaseQuestionMarks(count: chunk.count)))
                """, arguments: StatementArguments([sourceID] + chunk)))
        }
        return purged
    }

    /// Values per `IN (…)` lookup query: well under SQLite's limit on bound parameters.
    private static let lookupChunk = 500

    static func lookupChunks<Value>(_ values: [Value]) -> [[Value]] {
        stride(from: 0, to: values.count, by: lookupChunk).map { Array(values[$0..<min($0 + lookupChunk, values.count)]) }
    }

    /// The names of the fields a new version of an item changes, for its revision history.
    private static func changedFields(_ db: Database, itemID: Int64, newVersion item: ParsedItem) throws -> [String] {
        guard let old = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT title, link, summary, content, authors, categories, enclosures FROM item WHERE id = ?
            """), arguments: [itemID]) else { return [] }
        var changed: [String] = []
        if old["title"] != item.title { changed.append("title") }
        if old["link"] != item.link { changed.append("link") }
        if old["summary"] != item.summary { changed.append("summary") }
        if old["content"] != item.content { changed.append("content") }
        if old["authors"] != json(item.authors) { changed.append("authors") }
        if old["categories"] != json(item.categories) { changed.append("categories") }
        if old["enclosures"] != json(item.enclosures) { changed.append("enclosures") }
        return changed
    }

    /// An item is listed under its own date, but never later than when we first saw it:
    /// future dates (bad clocks, scheduled posts) and re-dated items must not stick to the top.
    private static func sortDate(_ item: ParsedItem, firstSeen: Date) -> Double {
        min((item.published ?? item.updated ?? firstSeen).timeIntervalSince1970, firstSeen.timeIntervalSince1970)
    }

    static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }

    /// Most items have no authors, categories or enclosures: skip the encoder for those.
    static func json<Element: Encodable>(_ values: [Element]) -> String {
        guard !values.isEmpty else { return "[]" }
        return (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "[]"
    }

    private static func decode(_ text: String?) -> [String]? {
        guard let text else { return nil }
        return try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}

extension Database {
    /// Runs a statement compiled once per connection: the write loops run the same few
    /// statements for every item of every feed.
    func cached(_ sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }

}
