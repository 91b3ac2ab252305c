import Foundation
import GRDB
import Model

/// The schema, as an ordered list of migrations. Never edit a shipped migration: add one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sources-items-tags") { db in
            try db.execute(sql: """
                CREATE TABLE source (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    url TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    language TEXT,
                    homepage TEXT,
                    etag TEXT,
                    last_modified TEXT,
                    last_attempt_at REAL,
                    last_success_at REAL,
                    last_status TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT,
                    next_due_at REAL
                );
                CREATE TABLE item (
                    id INTEGER PRIMARY KEY,
                    source_id TEXT NOT NULL REFERENCES source(id),
                    identity TEXT NOT NULL,
                    guid TEXT,
                    title TEXT,
                    link TEXT,
                    summary TEXT,
                    content TEXT,
                    authors TEXT NOT NULL DEFAULT '[]',
                    categories TEXT NOT NULL DEFAULT '[]',
                    enclosures TEXT NOT NULL DEFAULT '[]',
                    language TEXT,
                    published_at REAL,
                    updated_at REAL,
                    first_seen_at REAL NOT NULL,
                    changed_at REAL,
                    sort_at REAL NOT NULL,
                    content_hash TEXT NOT NULL,
                    health_score REAL,
                    health INTEGER,
                    tagged_hash TEXT,
                    UNIQUE (source_id, identity)
                );
                CREATE INDEX item_by_date ON item(sort_at DESC);
                CREATE TABLE item_revision (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    replaced_at REAL NOT NULL,
                    title TEXT,
                    link TEXT,
                    summary TEXT,
                    content TEXT,
                    published_at REAL,
                    updated_at REAL,
                    content_hash TEXT NOT NULL
                );
                CREATE INDEX item_revision_by_item ON item_revision(item_id);
                CREATE TABLE item_tag (
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    tag_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    matched_text TEXT NOT NULL,
                    field TEXT NOT NULL,
                    PRIMARY KEY (item_id, tag_id, rule_id)
                );
                CREATE INDEX item_tag_by_tag ON item_tag(tag_id);
                CREATE TABLE item_cve (
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    cve TEXT NOT NULL,
                    PRIMARY KEY (item_id, cve)
                );
                CREATE INDEX item_cve_by_cve ON item_cve(cve);
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    started_at REAL NOT NULL,
                    finished_at REAL NOT NULL,
                    feeds_ok INTEGER NOT NULL,
                    feeds_failed INTEGER NOT NULL,
                    items_new INTEGER NOT NULL,
                    items_updated INTEGER NOT NULL,
                    pages_written INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-source-disabling-and-retry-after") { db in
            // A source the server says is gone (410), or an editor turned off, keeps its row and
            // items; the reason is kept, and polling stops until it is enabled again.
            // not_before: what the server's Retry-After asked; even a forced round waits for it.
            try db.execute(sql: """
                ALTER TABLE source ADD COLUMN disabled_at REAL;
                ALTER TABLE source ADD COLUMN disabled_reason TEXT;
                ALTER TABLE source ADD COLUMN not_before REAL;
                """)
        }
        migrator.registerMigration("v3-permanent-redirects") { db in
            // moved_to/moved_count: the target of the permanent redirects seen on consecutive
            // polls; fetch_url: where the source is polled once they were seen often enough.
            try db.execute(sql: """
                ALTER TABLE source ADD COLUMN moved_to TEXT;
                ALTER TABLE source ADD COLUMN moved_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE source ADD COLUMN fetch_url TEXT;
                """)
        }
        migrator.registerMigration("v4-hashes-without-dates") { db in
            // Content hashes and hash identities no longer include dates (a re-dated item is not
            // news). Recompute them, so that the next poll sees stored items as unchanged rather
            // than as revised or new.
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, identity, guid, title, link, summary, content, authors, categories, enclosures FROM item
                """)
            let decoder = JSONDecoder()
            for row in rows {
                let item = ParsedItem(
                    id: row["guid"], title: row["title"], link: row["link"], summary: row["summary"], content: row["content"],
                    authors: (try? decoder.decode([String].self, from: Data((row["authors"] as String).utf8))) ?? [],
                    categories: (try? decoder.decode([String].self, from: Data((row["categories"] as String).utf8))) ?? [],
                    enclosures: (try? decoder.decode([Enclosure].self, from: Data((row["enclosures"] as String).utf8))) ?? [])
                let identity: String = row["identity"]
                try db.execute(sql: "UPDATE OR IGNORE item SET content_hash = ?, identity = ? WHERE id = ?", arguments: [
                    ContentHash.of(item), identity.hasPrefix("hash:") ? ContentHash.identity(of: item) : identity, row["id"] as Int64])
            }
        }
        migrator.registerMigration("v5-full-text-search") { db in
            // Title and text of every item, for `items search`: case- and accent-insensitive
            // (unicode61, remove_diacritics 2), ranked by bm25. Kept in step by the store's upserts.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE item_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')
                """)
            for row in try Row.fetchAll(db, sql: "SELECT id, title, summary, content FROM item") {
                try db.execute(sql: "INSERT INTO item_search (rowid, title, body) VALUES (?, ?, ?)", arguments: [
                    row["id"] as Int64, row["title"] as String? ?? "",
                    SearchText.body(summary: row["summary"], content: row["content"])])
            }
        }
        migrator.registerMigration("v6-stories-tombstones-revision-changes") { db in
            // story: one story told by several items (sources). story_key: the keys an item is
            // grouped by (canonical URL, CVE set, title MinHash bands), looked up by kind and key
            // within a time window (`at` is the item's listing date); title_tokens: the hashed words
            // of the title, to confirm a title match exactly. An item is grouped once; editors move it.
            // item_tombstone: what retention purged, so that a feed still carrying it does not bring
            // it back as new. changed_fields: what a revision changed, for its history.
            // item_search_pending: items stored or changed since the full-text index was last
            // brought up to date (in bulk, once per round: far cheaper than item by item).
            // tlp: the Traffic Light Protocol marking of a source (from the sources file) or of
            // one document (item.tlp: for CSAF advisories, which carry their own); only
            // CLEAR/WHITE or unmarked items are published.
            // cvss / detected_language: what tagging reads in the text. cve_info: the KEV catalog
            // and EPSS scores, joined to items' CVEs when shown; enrichment_state: the version of
            // each enrichment file last loaded (validators and digest), so that an unchanged file
            // is not loaded again.
            try db.execute(sql: """
                CREATE TABLE story (
                    id INTEGER PRIMARY KEY,
                    created_at REAL NOT NULL
                );
                ALTER TABLE item ADD COLUMN story_id INTEGER REFERENCES story(id);
                ALTER TABLE item ADD COLUMN title_tokens BLOB;
                CREATE INDEX item_by_story ON item(story_id);
                CREATE INDEX item_unstoried ON item(sort_at, id) WHERE story_id IS NULL;
                CREATE TABLE story_key (
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    at REAL NOT NULL,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    source_id TEXT NOT NULL,
                    PRIMARY KEY (kind, key, at, item_id)
                ) WITHOUT ROWID;
                CREATE INDEX story_key_by_item ON story_key(item_id);
                CREATE TABLE item_tombstone (
                    source_id TEXT NOT NULL,
                    identity TEXT NOT NULL,
                    purged_at REAL NOT NULL,
                    PRIMARY KEY (source_id, identity)
                ) WITHOUT ROWID;
                ALTER TABLE item_revision ADD COLUMN changed_fields TEXT NOT NULL DEFAULT '';
                CREATE TABLE item_search_pending (
                    item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE
                );
                ALTER TABLE item ADD COLUMN cvss REAL;
                ALTER TABLE item ADD COLUMN tlp TEXT;
                ALTER TABLE source ADD COLUMN tlp TEXT;
                ALTER TABLE item ADD COLUMN detected_language TEXT;
                CREATE TABLE cve_info (
                    cve TEXT PRIMARY KEY,
                    kev_added TEXT,
                    kev_due TEXT,
                    kev_ransomware INTEGER NOT NULL DEFAULT 0,
                    kev_name TEXT,
                    epss REAL,
                    epss_percentile REAL
                ) WITHOUT ROWID;
                CREATE TABLE enrichment_state (
                    name TEXT PRIMARY KEY,
                    origin TEXT NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    digest TEXT,
                    entries INTEGER NOT NULL,
                    updated_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7-advisories") { db in
            // item_advisory: the structured facts of an advisory item (CSAF, CERT-FR, KEV) as
            // JSON, with its tracking id and how the document was verified before it was read.
            // advisory_document: per advisory-collection source, each listed document and the
            // version of it last read (the listing's change time, else the document's digest), so
            // that a round fetches only new or changed documents; a document that failed its
            // checks is remembered with the error, and retried only when it changes.
            try db.execute(sql: """
                CREATE TABLE item_advisory (
                    item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    tracking_id TEXT NOT NULL,
                    facts TEXT NOT NULL,
                    cvss REAL,
                    verification TEXT
                );
                CREATE INDEX item_advisory_by_tracking_id ON item_advisory(tracking_id);
                CREATE TABLE advisory_document (
                    source_id TEXT NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    location TEXT NOT NULL,
                    version TEXT NOT NULL,
                    state TEXT NOT NULL,
                    error TEXT,
                    checked_at REAL NOT NULL,
                    PRIMARY KEY (source_id, location)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8-curation-users-audit") { db in
            // item_curation: the editors' decision on an item (new → queued → selected |
            // rejected → published), pin, title override, note (Markdown, and its sanitized HTML),
            // and a version for optimistic concurrency: a change names the version it was made
            // from, and a stale one is a conflict. item_manual_tag: tags an editor added (added = 1)
            // or removed (added = 0), kept apart from the automatic ones. audit_log: every action,
            // append-only (triggers refuse UPDATE and DELETE); item_id has no foreign key, so the
            // log outlives the items it names. app_user / desk_session: editors of the web desk;
            // sessions are stored by the hash of their token.
            try db.execute(sql: """
                CREATE TABLE item_curation (
                    item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE,
                    state TEXT NOT NULL CHECK (state IN ('new', 'queued', 'selected', 'rejected', 'published')),
                    pinned INTEGER NOT NULL DEFAULT 0,
                    title_override TEXT,
                    note TEXT,
                    note_html TEXT,
                    version INTEGER NOT NULL,
                    updated_at REAL NOT NULL,
                    updated_by TEXT NOT NULL
                );
                CREATE INDEX item_curation_by_state ON item_curation(state);
                CREATE TABLE item_manual_tag (
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    tag_id TEXT NOT NULL,
                    added INTEGER NOT NULL,
                    by TEXT NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (item_id, tag_id)
                ) WITHOUT ROWID;
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    item_id INTEGER,
                    before TEXT,
                    after TEXT
                );
                CREATE INDEX audit_log_by_item ON audit_log(item_id, id);
                CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE app_user (
                    name TEXT PRIMARY KEY,
                    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
                    password_hash TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE desk_session (
                    token_hash TEXT PRIMARY KEY,
                    user_name TEXT NOT NULL REFERENCES app_user(name) ON DELETE CASCADE,
                    csrf TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v9-incidents") { db in
            // incident: one declaration (structure_name and description are private: only
            // `incidents show` reads them; statistics select other columns). The analyst's
            // qualification is kept beside the declared nature and category. incident_revision:
            // a re-imported declaration that changed keeps its previous version. incident_step:
            // the cell's work, dated and attributed (received, qualified, support, closed).
            try db.execute(sql: """
                CREATE TABLE incident (
                    id TEXT PRIMARY KEY,
                    declared_at REAL NOT NULL,
                    occurred_at REAL,
                    structure_type TEXT NOT NULL,
                    region TEXT NOT NULL,
                    nature TEXT NOT NULL,
                    category TEXT NOT NULL,
                    care_disrupted INTEGER NOT NULL,
                    health_data_affected INTEGER NOT NULL,
                    support_requested INTEGER NOT NULL,
                    unavailability_hours REAL,
                    cves TEXT NOT NULL,
                    products TEXT NOT NULL,
                    structure_name TEXT,
                    description TEXT,
                    qualified_nature TEXT,
                    qualified_category TEXT,
                    status TEXT NOT NULL CHECK (status IN ('received', 'qualified', 'support', 'closed')),
                    content_hash TEXT NOT NULL,
                    imported_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX incident_by_declared_at ON incident(declared_at);
                CREATE TABLE incident_revision (
                    incident_id TEXT NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
                    replaced_at REAL NOT NULL,
                    previous TEXT NOT NULL,
                    changed_fields TEXT NOT NULL
                );
                CREATE INDEX incident_revision_by_incident ON incident_revision(incident_id, replaced_at);
                CREATE TABLE incident_step (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    incident_id TEXT NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
                    step TEXT NOT NULL CHECK (step IN ('received', 'qualified', 'support', 'closed')),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    note TEXT
                );
                CREATE INDEX incident_step_by_incident ON incident_step(incident_id, id);
                """)
        }
        migrator.registerMigration("v10-alerts") { db in
            // alert: sector alerts, derived by a rule (rule, rule_key: the situation; one open
            // alert per situation, updated in place) or written by an editor. An update keeps the
            // id, so readers see an update of the same Atom entry. alert_history: every change,
            // who and when, with the alert before and after.
            try db.execute(sql: """
                CREATE TABLE alert (
                    id TEXT PRIMARY KEY,
                    rule TEXT,
                    rule_key TEXT,
                    severity TEXT NOT NULL CHECK (severity IN ('info', 'moderate', 'high', 'critical')),
                    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'updated', 'closed')),
                    data TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE UNIQUE INDEX alert_open_by_rule_key ON alert(rule_key) WHERE rule_key IS NOT NULL AND status != 'closed';
                CREATE TABLE alert_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    alert_id TEXT NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    before TEXT,
                    after TEXT
                );
                CREATE INDEX alert_history_by_alert ON alert_history(alert_id, id);
                """)
        }
        migrator.registerMigration("v11-cheaper-inserts") { db in
            // Stories are looked up by id, never for "no story": an index without the items not
            // yet grouped costs new items nothing. New items are found for search indexing by id
            // (above search_index_state.indexed_through), so that inserting one writes no
            // pending row; item_search_pending keeps only revised items and ids at or below the mark.
            // source_batch_digest: the identities and content hashes of the last batch a source
            // gave, so that a feed served again unchanged is recognised in one comparison.
            try db.execute(sql: """
                DROP INDEX item_by_story;
                CREATE INDEX item_by_story ON item(story_id) WHERE story_id IS NOT NULL;
                CREATE TABLE search_index_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    indexed_through INTEGER NOT NULL
                );
                INSERT INTO search_index_state (singleton, indexed_through) SELECT 1, coalesce(max(id), 0) FROM item;
                CREATE TABLE source_batch_digest (
                    source_id TEXT PRIMARY KEY REFERENCES source(id) ON DELETE CASCADE,
                    digest TEXT NOT NULL,
                    purged INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v12-cheaper-rounds") { db in
            // Each story key carries its item's story, so that the oldest story of a key is found
            // in one index, in story order (the join to every item of a widely syndicated story,
            // for each new copy, made grouping quadratic). Editors' merges and splits keep it in step.
            try db.execute(sql: """
                ALTER TABLE story_key ADD COLUMN story_id INTEGER;
                UPDATE story_key SET story_id = (SELECT item.story_id FROM item WHERE item.id = story_key.item_id);
                DELETE FROM story_key WHERE story_id IS NULL;
                CREATE INDEX story_key_by_story ON story_key(kind, key, story_id, at);
                """)
            // A round that brought nothing new reads no archive: items to tag are those never
            // tagged (a changed item loses its tags' hash) unless the rules changed since the
            // last complete tagging (tagging_state); items for the curation policy are those
            // tagged since it last ran (curation_pending) unless the policy or the KEV catalog
            // changed since (curation_policy_state).
            try db.execute(sql: """
                CREATE INDEX item_untagged ON item(id) WHERE tagged_hash IS NULL;
                CREATE TABLE tagging_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    rules_fingerprint TEXT NOT NULL
                );
                CREATE TABLE curation_pending (
                    item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE
                );
                CREATE TABLE curation_policy_state (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    fingerprint TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v13-urgency") { db in
            // Urgency beside health relevance (docs/urgency.md): the level (0 normal, 1 high,
            // 2 urgent), its reasons (a line each, `Store.encodeReasons`), and whether the
            // judgment saw a CVE of the KEV catalog, so that an item whose CVE joins the catalog
            // later is judged again.
            try db.execute(sql: """
                ALTER TABLE item ADD COLUMN urgency INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE item ADD COLUMN urgency_reasons TEXT;
                ALTER TABLE item ADD COLUMN urgency_kev INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v14-stemmed-search") { db in
            // Words indexed by their Snowball stems (`SearchTokenizer`): the index is made again,
            // by the next `indexForSearch`, from every item.
            try db.execute(sql: """
                DROP TABLE item_search;
                CREATE VIRTUAL TABLE item_search USING fts5(title, body, tokenize = '\(SearchTokenizer.name)');
                DELETE FROM item_search_pending;
                UPDATE search_index_state SET indexed_through = 0;
                """)
        }
        migrator.registerMigration("v15-handled") { db in
            // An editor marks an urgent item handled: it leaves the home page's priority block.
            try db.execute(sql: "ALTER TABLE item_curation ADD COLUMN handled INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v16-frozen-observatory") { db in
            // A closed year's report, as first published: later imports and qualifications never
            // change it, so that two versions of the site cannot be compared to single out a
            // declaration (docs/incidents.md).
            try db.execute(sql: """
                CREATE TABLE observatory_report (
                    year INTEGER PRIMARY KEY,
                    frozen_at REAL NOT NULL,
                    report TEXT NOT NULL
                )
                """)
        }
        migrator.registerMigration("v17-rejection-reason") { db in
            // Why an editor rejected an item, shown on the desk and kept in the audit log.
            try db.execute(sql: "ALTER TABLE item_curation ADD COLUMN rejection_reason TEXT")
        }
        migrator.registerMigration("v18-user-disabled") { db in
            // A disabled editor keeps their name in the audit log but can no longer sign in.
            try db.execute(sql: "ALTER TABLE app_user ADD COLUMN disabled_at REAL")
        }
        migrator.registerMigration("v19-item-product") { db in
            // The products a news item's text names, and the words that named them (Tagging's
            // ProductMatcher): replaced at each tagging, like the tags.
            try db.execute(sql: """
                CREATE TABLE item_product (
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    vendor TEXT NOT NULL,
                    product TEXT NOT NULL,
                    matched_text TEXT NOT NULL,
                    field TEXT NOT NULL,
                    PRIMARY KEY (item_id, vendor, product)
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }
}
