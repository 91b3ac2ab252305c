import Foundation
import GRDB
import Model

/// A document listed by an advisory-collection source, as last read.
public struct AdvisoryDocumentState: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Read and stored.
        case stored
        /// Refused: a failed hash or signature check, or an invalid document. Retried only
        /// when the listing says it changed.
        case refused
    }

    public var location: String
    /// The listing's change time, else the document's digest.
    public var version: String
    public var state: State
    public var error: String?

    public init(location: String, version: String, state: State, error: String? = nil) {
        self.location = location
        self.version = version
        self.state = state
        self.error = error
    }
}

extension Store {
    /// Writes the structured facts of an advisory item (nil: the item is not one, and has none),
    /// and makes the document's own TLP the item's.
    static func saveAdvisory(_ db: Database, itemID: Int64, _ facts: AdvisoryFacts?) throws {
        guard let facts else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(facts), as: UTF8.self)
        try db.cached("""
            INSERT INTO item_advisory (item_id, kind, tracking_id, facts, cvss, verification) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (item_id) DO UPDATE SET kind = excluded.kind, tracking_id = excluded.tracking_id,
                facts = excluded.facts, cvss = excluded.cvss, verification = excluded.verification
            """, arguments: [itemID, facts.kind.rawValue, facts.trackingID, json, facts.highestBaseScore,
                             facts.verification?.state.rawValue])
        try db.cached("UPDATE item SET tlp = ? WHERE id = ?", arguments: [facts.tlp, itemID])
    }

    /// The advisory facts of items, by item id.
    public func advisoryFacts(itemIDs: [Int64]) throws -> [Int64: AdvisoryFacts] {
        try pool.read { db in try Self.advisoryFacts(db, itemIDs: itemIDs) }
    }

    static func advisoryFacts(_ db: Database, itemIDs: [Int64]) throws -> [Int64: AdvisoryFacts] {
        var facts: [Int64: AdvisoryFacts] = [:]
        let decoder = JSONDecoder()
        for chunk in lookupChunks(itemIDs) {
            for row in try Row.fetchAll(db, sql: """
                SELECT item_id, facts FROM item_advisory WHERE item_id IN (\(databaseQuestionMarks(count: chunk.count)))
                """, arguments: StatementArguments(chunk)) {
                let text: String = row["facts"]
                facts[row["item_id"]] = try? decoder.decode(AdvisoryFacts.self, from: Data(text.utf8))
            }
        }
        return facts
    }

    /// What was last read of each document a collection source lists, by location.
    public func advisoryDocuments(sourceID: String) throws -> [String: AdvisoryDocumentState] {
        try pool.read { db in
            var states: [String: AdvisoryDocumentState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM advisory_document WHERE source_id = ?", arguments: [sourceID]) {
                let location: String = row["location"]
                states[location] = AdvisoryDocumentState(
                    location: location, version: row["version"],
                    state: AdvisoryDocumentState.State(rawValue: row["state"]) ?? .refused, error: row["error"])
            }
            return states
        }
    }

    /// Stores the items read from one advisory document and records the document as read, in
    /// one transaction: a crash never leaves a document marked read without its item.
    public func storeAdvisoryDocument(sourceID: String, _ document: AdvisoryDocumentState, items: [ParsedItem],
                                      at now: Date = Date()) throws -> UpsertResult {
        try write { db in
            let result = try Self.upsertItems(db, sourceID: sourceID, items, at: now)
            try Self.recordAdvisoryDocument(db, sourceID: sourceID, document, at: now)
            return result
        }
    }

    /// Records a document that was refused (its error is kept for `feeds health` and the logs).
    public func recordAdvisoryDocument(sourceID: String, _ document: AdvisoryDocumentState, at now: Date = Date()) throws {
        try write { db in try Self.recordAdvisoryDocument(db, sourceID: sourceID, document, at: now) }
    }

    private static func recordAdvisoryDocument(_ db: Database, sourceID: String, _ document: AdvisoryDocumentState, at now: Date) throws {
        try db.cached("""
            INSERT INTO advisory_document (source_id, location, version, state, error, checked_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (source_id, location) DO UPDATE SET version = excluded.version, state = excluded.state,
                error = excluded.error, checked_at = excluded.checked_at
            """, arguments: [sourceID, document.location, document.version, document.state.rawValue, document.error,
                             now.timeIntervalSince1970])
    }

    /// The vendors' products stored advisories name (AdvisoryFacts.vendorProducts), each once,
    /// for matching news text against them.
    public func advisoryProducts(limit: Int = 20_000) throws -> [VendorProduct] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT json_extract(pair.value, '$.vendor') AS vendor, json_extract(pair.value, '$.product') AS product
                FROM item_advisory, json_each(item_advisory.facts, '$.vendorProducts') AS pair LIMIT ?
                """, arguments: [limit]).compactMap { row in
                VendorProduct.from(vendor: row["vendor"], product: row["product"])
            }
        }
    }
}
