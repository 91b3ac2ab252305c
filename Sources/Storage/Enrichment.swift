import Foundation
import GRDB
import Model

/// The version of an enrichment file (KEV catalog, EPSS scores) last loaded.
public struct EnrichmentState: Sendable, Equatable {
    public var origin: String
    public var etag: String?
    public var lastModified: String?
    public var digest: String?
    public var entries: Int
    public var updatedAt: Date

    public init(origin: String, etag: String?, lastModified: String?, digest: String?, entries: Int, updatedAt: Date) {
        self.origin = origin
        self.etag = etag
        self.lastModified = lastModified
        self.digest = digest
        self.entries = entries
        self.updatedAt = updatedAt
    }
}

extension Store {
    public func enrichmentState(_ name: String) throws -> EnrichmentState? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM enrichment_state WHERE name = ?", arguments: [name]).map { row in
                EnrichmentState(origin: row["origin"], etag: row["etag"], lastModified: row["last_modified"], digest: row["digest"],
                                entries: row["entries"], updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
            }
        }
    }

    /// Makes the KEV catalog the one given (entries no longer listed lose their flag), and
    /// records which version it is; one transaction.
    public func replaceKnownExploited(_ entries: [KnownExploitedVulnerability], state: EnrichmentState) throws {
        try write { db in
            try db.execute(sql: "UPDATE cve_info SET kev_added = NULL, kev_due = NULL, kev_ransomware = 0, kev_name = NULL")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO cve_info (cve, kev_added, kev_due, kev_ransomware, kev_name) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(cve) DO UPDATE SET kev_added = excluded.kev_added, kev_due = excluded.kev_due,
                    kev_ransomware = excluded.kev_ransomware, kev_name = excluded.kev_name
                """)
            for entry in entries {
                try upsert.execute(arguments: [entry.cve, entry.dateAdded, entry.dueDate, entry.knownRansomwareUse, entry.name])
            }
            try Self.record(db, name: "kev", state: state)
        }
    }

    /// Makes the EPSS scores the ones given; one transaction.
    public func replaceEPSS(_ scores: [EPSSScore], state: EnrichmentState) throws {
        try write { db in
            try db.execute(sql: "UPDATE cve_info SET epss = NULL, epss_percentile = NULL")
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO cve_info (cve, epss, epss_percentile) VALUES (?, ?, ?)
                ON CONFLICT(cve) DO UPDATE SET epss = excluded.epss, epss_percentile = excluded.epss_percentile
                """)
            for score in scores { try upsert.execute(arguments: [score.cve, score.probability, score.percentile]) }
            try Self.record(db, name: "epss", state: state)
        }
    }

    private static func record(_ db: Database, name: String, state: EnrichmentState) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO enrichment_state (name, origin, etag, last_modified, digest, entries, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [name, state.origin, state.etag, state.lastModified, state.digest, state.entries,
                             state.updatedAt.timeIntervalSince1970])
    }
}
