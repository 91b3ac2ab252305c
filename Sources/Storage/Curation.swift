import Foundation
import GRDB
import Model

/// A change made from a version that is no longer the current one: the second of two editors.
public struct CurationConflict: Error, CustomStringConvertible, Sendable {
    public var itemID: Int64
    /// What the editor saw, and what is stored now.
    public var expectedVersion: Int
    public var current: CurationState

    public var description: String {
        "item \(itemID) changed since version \(expectedVersion) (now version \(current.version), by \(current.updatedBy ?? "?")): reload and apply again"
    }
}

public struct CurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The same in French, for the desk (the command line speaks English).
    public var french: String?
    public init(_ description: String, french: String? = nil) {
        self.description = description
        self.french = french
    }
}

/// A line of `items list`.
public struct CuratedItemSummary: Sendable, Equatable {
    public var id: Int64
    public var title: String
    public var sourceID: String = ""
    public var sourceTitle: String
    /// The item's text as plain text, cut to about three lines.
    public var summary: String?
    public var language: String?
    public var listedAt: Date
    public var healthScore: Double
    public var status: CurationStatus
    public var pinned: Bool
    public var urgency: UrgencyLevel = .normal
    public var tags: [String]
    /// The curation version a change made from this listing must name.
    public var version: Int
    /// What the rules matched (tag, words, field), for the editor to judge without opening the item.
    public var evidence: [TagEvidence] = []
    /// The item's CVEs, and those of them in the KEV catalog (exploited).
    public var cves: [String] = []
    public var knownExploited: Set<String> = []
    /// Why an editor rejected it, while it stays rejected.
    public var rejectionReason: String?
}

/// How the editors' queue is sorted; pinned items come first in the first two orders.
public enum QueueOrder: String, Sendable, CaseIterable {
    /// Urgent first, then newest.
    case urgency
    /// Highest health score first, then newest.
    case score
    /// Newest first.
    case date

    var sql: String {
        switch self {
        case .urgency: "coalesce(c.pinned, 0) DESC, item.urgency DESC, item.sort_at DESC, item.id DESC"
        case .score: "coalesce(c.pinned, 0) DESC, coalesce(item.health_score, 0) DESC, item.sort_at DESC, item.id DESC"
        case .date: "item.sort_at DESC, item.id DESC"
        }
    }
}

extension Store {
    // MARK: Reading

    /// About three lines of text: cut at a word, with an ellipsis.
    static func excerpt(_ text: String, characters: Int = 280) -> String {
        guard text.count > characters else { return text }
        let cut = text.prefix(characters)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + " …"
    }

    public func curation(itemID: Int64) throws -> CurationState {
        try pool.read { db in try Self.curation(db, itemID: itemID) }
    }

    static func curation(_ db: Database, itemID: Int64) throws -> CurationState {
        var state = CurationState()
        if let row = try Row.fetchOne(db, sql: "SELECT * FROM item_curation WHERE item_id = ?", arguments: [itemID]) {
            state = CurationState(
                status: CurationStatus(rawValue: row["state"]) ?? .new, pinned: row["pinned"], handled: row["handled"],
                titleOverride: row["title_override"],
                note: row["note"], noteHTML: row["note_html"], version: row["version"],
                updatedAt: Self.date(row["updated_at"]), updatedBy: row["updated_by"])
            state.rejectionReason = row["rejection_reason"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT tag_id, added FROM item_manual_tag WHERE item_id = ? ORDER BY tag_id", arguments: [itemID]) {
            if row["added"] as Bool { state.tagsAdded.append(row["tag_id"]) } else { state.tagsRemoved.append(row["tag_id"]) }
        }
        return state
    }

    public func auditLog(itemID: Int64? = nil, limit: Int = 100) throws -> [AuditEntry] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM audit_log \(itemID == nil ? "" : "WHERE item_id = ?") ORDER BY id DESC LIMIT ?
                """, arguments: itemID.map { [$0, limit] } ?? [limit])
            return rows.map { row in
                AuditEntry(id: row["id"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: row["action"],
                           itemID: row["item_id"], before: row["before"], after: row["after"])
            }
        }
    }

    /// Items for the queue and `items list`, newest first.
    public func curatedItems(status: CurationStatus? = nil, tag: String? = nil, since: Date? = nil, query: String? = nil,
                             synonyms: SearchSynonyms = .none, limit: Int = 200, sourceID: String? = nil,
                             urgency: UrgencyLevel? = nil, language: String? = nil,
                             order: QueueOrder = .urgency, decidedBy: String? = nil) throws -> [CuratedItemSummary] {
        if query != nil { try indexForSearch() }
        return try pool.read { db in
            var conditions = ["1"]
            var arguments: StatementArguments = []
            let statusSQL = "coalesce(c.state, 'new')"
            if let status {
                conditions.append("\(statusSQL) = ?")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if let tag {
                conditions.append("""
                    ((item.id IN (SELECT item_id FROM item_tag WHERE tag_id = ?)
                      AND item.id NOT IN (SELECT item_id FROM item_manual_tag WHERE tag_id = ? AND added = 0))
                     OR item.id IN (SELECT item_id FROM item_manual_tag WHERE tag_id = ? AND added = 1))
                    """)
                _ = arguments.append(contentsOf: [tag, tag, tag])
            }
            if let since {
                conditions.append("item.sort_at >= ?")
                _ = arguments.append(contentsOf: [since.timeIntervalSince1970])
            }
            if let decidedBy {
                // `policy`: what the curation policy decided alone, for editors to look over.
                conditions.append("c.updated_by = ?")
                _ = arguments.append(contentsOf: [decidedBy])
            }
            if let sourceID {
                conditions.append("item.source_id = ?")
                _ = arguments.append(contentsOf: [sourceID])
            }
            if let urgency {
                conditions.append("coalesce(item.urgency, 0) = ?")
                _ = arguments.append(contentsOf: [urgency.rawValue])
            }
            if let language {
                conditions.append("coalesce(item.language, source.language, item.detected_language) LIKE ?")
                _ = arguments.append(contentsOf: [language + "%"])
            }
            if let query, let expression = SearchText.matchExpression(query, synonyms: synonyms) {
                conditions.append("item.id IN (SELECT rowid FROM item_search WHERE item_search MATCH ?)")
                _ = arguments.append(contentsOf: [expression])
            }
            _ = arguments.append(contentsOf: [limit])
            let rows = try Row.fetchAll(db, sql: """
                SELECT item.id, coalesce(c.title_override, item.title) AS title, source.title AS source_title, item.sort_at,
                    item.source_id, substr(item.summary, 1, 2000) AS summary,
                    coalesce(item.language, source.language, item.detected_language) AS language,
                    coalesce(item.health_score, 0) AS score, item.urgency, \(statusSQL) AS state, coalesce(c.pinned, 0) AS pinned,
                    coalesce(c.version, 0) AS version, c.rejection_reason,
                    (SELECT group_concat(DISTINCT tag_id) FROM item_tag WHERE item_id = item.id) AS tags
                FROM item JOIN source ON source.id = item.source_id LEFT JOIN item_curation c ON c.item_id = item.id
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(order.sql) LIMIT ?
                """, arguments: arguments)
            let ids = rows.map { $0["id"] as Int64 }
            let evidence = try Self.tagEvidence(db, itemIDs: ids)
            var cves: [Int64: [(cve: String, exploited: Bool)]] = [:]
            for chunk in Self.lookupChunks(ids) {
                let marks = databaseQuestionMarks(count: chunk.count)
                for row in try Row.fetchAll(db, sql: """
                    SELECT item_cve.item_id, item_cve.cve, cve_info.kev_added IS NOT NULL AS exploited
                    FROM item_cve LEFT JOIN cve_info ON cve_info.cve = item_cve.cve
                    WHERE item_cve.item_id IN (\(marks)) ORDER BY item_cve.cve
                    """, arguments: StatementArguments(chunk)) {
                    cves[row["item_id"], default: []].append((row["cve"], row["exploited"]))
                }
            }
            return rows.map { row in
                let id: Int64 = row["id"]
                var summary = CuratedItemSummary(
                    id: row["id"], title: row["title"] ?? "", sourceID: row["source_id"], sourceTitle: row["source_title"],
                    summary: (row["summary"] as String?).map { Self.excerpt(PlainText.from(html: $0)) },
                    language: row["language"],
                    listedAt: Date(timeIntervalSince1970: row["sort_at"]), healthScore: row["score"],
                    status: CurationStatus(rawValue: row["state"]) ?? .new, pinned: row["pinned"],
                    urgency: UrgencyLevel(rawValue: row["urgency"] ?? 0) ?? .normal,
                    tags: ((row["tags"] as String?) ?? "").split(separator: ",").map(String.init).sorted(), version: row["version"])
                summary.rejectionReason = row["rejection_reason"]
                summary.evidence = evidence[id] ?? []
                summary.cves = (cves[id] ?? []).map(\.cve)
                summary.knownExploited = Set((cves[id] ?? []).filter(\.exploited).map(\.cve))
                return summary
            }
        }
    }

    // MARK: Changing

    /// Applies an editor's change to an item in one transaction: checks the version it was made
    /// from (nil: the current one), lets `change` edit the state, bumps the version, and appends
    /// the audit entry with the state before and after.
    @discardableResult
    public func changeCuration(itemID: Int64, expectedVersion: Int?, actor: String, action: String, at now: Date = Date(),
                               _ change: @Sendable (inout CurationState) throws -> Void) throws -> CurationState {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM item WHERE id = ?", arguments: [itemID]) != nil else {
                throw CurationError("no item \(itemID)", french: "aucun élément n° \(itemID)")
            }
            let before = try Self.curation(db, itemID: itemID)
            if let expectedVersion, expectedVersion != before.version {
                throw CurationConflict(itemID: itemID, expectedVersion: expectedVersion, current: before)
            }
            var after = before
            try change(&after)
            after.version = before.version + 1
            after.updatedAt = now
            after.updatedBy = actor
            try db.execute(sql: """
                INSERT INTO item_curation (item_id, state, pinned, handled, title_override, note, note_html, version, updated_at, updated_by,
                    rejection_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (item_id) DO UPDATE SET state = excluded.state, pinned = excluded.pinned, handled = excluded.handled,
                    title_override = excluded.title_override, note = excluded.note, note_html = excluded.note_html,
                    version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by,
                    rejection_reason = excluded.rejection_reason
                """, arguments: [itemID, after.status.rawValue, after.pinned, after.handled, after.titleOverride, after.note, after.noteHTML,
                                 after.version, now.timeIntervalSince1970, actor, after.status == .rejected ? after.rejectionReason : nil])
            if before.tagsAdded != after.tagsAdded || before.tagsRemoved != after.tagsRemoved {
                try db.execute(sql: "DELETE FROM item_manual_tag WHERE item_id = ?", arguments: [itemID])
                for (tags, added) in [(after.tagsAdded, true), (after.tagsRemoved, false)] {
                    for tag in tags {
                        try db.execute(sql: "INSERT INTO item_manual_tag (item_id, tag_id, added, by, at) VALUES (?, ?, ?, ?, ?)",
                                       arguments: [itemID, tag, added, actor, now.timeIntervalSince1970])
                    }
                }
            }
            try Self.audit(db, at: now, actor: actor, action: action, itemID: itemID, before: before, after: after)
            return after
        }
    }

    /// Writes one audit entry. The log is append-only: triggers refuse to change or delete it.
    static func audit<Value: Encodable>(_ db: Database, at now: Date, actor: String, action: String, itemID: Int64?,
                                        before: Value?, after: Value?) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        func json(_ value: Value?) throws -> String? { try value.map { String(decoding: try encoder.encode($0), as: UTF8.self) } }
        try auditEncoded(db, at: now, actor: actor, action: action, itemID: itemID, before: try json(before), after: try json(after))
    }

    /// `audit` with the states already in JSON (the policy writes the same few states for many items).
    static func auditEncoded(_ db: Database, at now: Date, actor: String, action: String, itemID: Int64?,
                             before: String?, after: String?) throws {
        try db.cached("INSERT INTO audit_log (at, actor, action, item_id, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                      arguments: [now.timeIntervalSince1970, actor, action, itemID, before, after])
    }

    /// Public form of `audit`, for actions outside an item (users, merges).
    public func recordAudit(actor: String, action: String, itemID: Int64? = nil, before: [String: String]? = nil,
                            after: [String: String]? = nil, at now: Date = Date()) throws {
        try write { db in try Self.audit(db, at: now, actor: actor, action: action, itemID: itemID, before: before, after: after) }
    }

    /// Puts every tagged item that has no decision yet through the policy, in one transaction:
    /// queued, selected or rejected by "policy" (each decision audited), or left new.
    @discardableResult
    public func applyCurationPolicy(_ policy: CurationPolicy, at now: Date = Date()) throws -> [CurationStatus: Int] {
        try write { db in
            // Only the items tagged since the policy last ran, unless the policy or the KEV
            // catalog changed since: then every item still without a decision.
            let fingerprint = try Self.policyFingerprint(db, policy)
            let unchanged = try String.fetchOne(db, sql: "SELECT fingerprint FROM curation_policy_state") == fingerprint
            let rows = try Row.fetchAll(db, sql: """
                SELECT item.id, item.health, coalesce(item.health_score, 0) AS score, item.urgency,
                    (SELECT version FROM item_curation WHERE item_curation.item_id = item.id) AS previous_version,
                    EXISTS (SELECT 1 FROM item_cve JOIN cve_info USING (cve) WHERE item_cve.item_id = item.id AND cve_info.kev_added IS NOT NULL) AS kev
                FROM \(unchanged ? "curation_pending CROSS JOIN item ON item.id = curation_pending.item_id" : "item")
                WHERE item.tagged_hash IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM item_curation WHERE item_curation.item_id = item.id)
                    OR (item.urgency = 2 AND EXISTS (SELECT 1 FROM item_curation WHERE item_curation.item_id = item.id
                        AND item_curation.state = 'rejected' AND item_curation.updated_by = 'policy')))
                """)
            try db.execute(sql: "DELETE FROM curation_pending")
            try db.execute(sql: """
                INSERT INTO curation_policy_state (singleton, fingerprint) VALUES (1, ?)
                ON CONFLICT (singleton) DO UPDATE SET fingerprint = excluded.fingerprint
                """, arguments: [fingerprint])
            var counts: [CurationStatus: Int] = [:]
            // The same states for every item: encoded once each.
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.dateEncodingStrategy = .iso8601
            let before = String(decoding: try encoder.encode(CurationState()), as: UTF8.self)
            var afterByStatus: [CurationStatus: String] = [:]
            for row in rows {
                let score: Double = row["score"]
                let health: Bool = row["health"] ?? false
                // An urgent item is never rejected by policy: it goes to the editors' queue (first,
                // and published unreviewed), or is selected when known exploited.
                let urgent = (row["urgency"] as Int? ?? 0) == UrgencyLevel.urgent.rawValue
                let status: CurationStatus
                if (health || urgent) && (policy.autoSelectThreshold.map { score >= $0 } == true || (policy.autoSelectKnownExploited && (row["kev"] as Bool))) {
                    status = .selected
                } else if (health && score >= policy.queueThreshold) || urgent {
                    status = .queued
                } else if score < policy.floor {
                    status = .rejected
                } else {
                    continue
                }
                let id: Int64 = row["id"]
                if afterByStatus[status] == nil {
                    let after = CurationState(status: status, version: 1, updatedAt: now, updatedBy: "policy")
                    afterByStatus[status] = String(decoding: try encoder.encode(after), as: UTF8.self)
                }
                if let version = row["previous_version"] as Int? {
                    // Rejected by policy before it became urgent (a CVE newly known exploited, new rules).
                    let earlier = CurationState(status: .rejected, version: version, updatedBy: "policy")
                    let later = CurationState(status: status, version: version + 1, updatedAt: now, updatedBy: "policy")
                    try db.execute(sql: """
                        UPDATE item_curation SET state = ?, version = ?, updated_at = ?, updated_by = 'policy' WHERE item_id = ?
                        """, arguments: [status.rawValue, version + 1, now.timeIntervalSince1970, id])
                    try Self.audit(db, at: now, actor: "policy", action: status.rawValue, itemID: id, before: earlier, after: later)
                    counts[status, default: 0] += 1
                    continue
                }
                try db.cached("""
                    INSERT INTO item_curation (item_id, state, version, updated_at, updated_by) VALUES (?, ?, 1, ?, 'policy')
                    """, arguments: [id, status.rawValue, now.timeIntervalSince1970])
                try Self.auditEncoded(db, at: now, actor: "policy", action: status.rawValue, itemID: id, before: before,
                                      after: afterByStatus[status])
                counts[status, default: 0] += 1
            }
            return counts
        }
    }

    /// What the policy's decisions depend on besides an item's own tags: its thresholds, and
    /// the KEV catalog (a CVE newly known exploited may select an item left undecided).
    private static func policyFingerprint(_ db: Database, _ policy: CurationPolicy) throws -> String {
        let catalog = try String.fetchOne(db, sql: """
            SELECT group_concat(name || '@' || updated_at || '#' || coalesce(digest, ''), ';') FROM (SELECT * FROM enrichment_state ORDER BY name)
            """) ?? ""
        return [policy.queueThreshold.description, policy.autoSelectThreshold?.description ?? "-",
                policy.autoSelectKnownExploited.description, policy.floor.description, catalog].joined(separator: "|")
    }

    /// Selected items that appeared in an edition become published (audited, by "publication").
    public func markPublished(itemIDs: [Int64], at now: Date = Date()) throws {
        guard !itemIDs.isEmpty else { return }
        try write { db in
            for chunk in Self.lookupChunks(itemIDs) {
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT item_id FROM item_curation WHERE state = 'selected' AND item_id IN (\(databaseQuestionMarks(count: chunk.count)))
                    """, arguments: StatementArguments(chunk))
                for id in ids {
                    let before = try Self.curation(db, itemID: id)
                    var after = before
                    after.status = .published
                    after.version += 1
                    after.updatedAt = now
                    after.updatedBy = "publication"
                    try db.execute(sql: """
                        UPDATE item_curation SET state = 'published', version = version + 1, updated_at = ?, updated_by = 'publication'
                        WHERE item_id = ?
                        """, arguments: [now.timeIntervalSince1970, id])
                    try Self.audit(db, at: now, actor: "publication", action: "published", itemID: id, before: before, after: after)
                }
            }
        }
    }

    /// The automatic tags without those an editor removed, and those an editor added (rule
    /// "editor", field "editor": the page says who decided).
    static func applyManualTags(_ tags: [TagEvidence], _ manual: [(tag: String, added: Bool)]) -> [TagEvidence] {
        guard !manual.isEmpty else { return tags }
        let removed = Set(manual.filter { !$0.added }.map(\.tag))
        var result = tags.filter { !removed.contains($0.tagID) }
        for entry in manual where entry.added && !result.contains(where: { $0.tagID == entry.tag }) {
            result.append(TagEvidence(tagID: entry.tag, ruleID: "editor", matchedText: "", field: "editor"))
        }
        return result
    }
}

extension Store {
    /// The id of the newest audit entry (0 when there is none): the daemon republishes when it grows.
    public func latestAuditID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_log") ?? 0 }
    }
}
