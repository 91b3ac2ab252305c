/// # Storage
///
/// Owns the SQLite database (through GRDB, on the system libsqlite3): the schema and its
/// versioned migrations, the one writer path shared by every process, item identity and
/// revisions, stories told by several items, tags with their evidence, full-text search,
/// retention with tombstones, what is known of each CVE (KEV, EPSS), and the per-source fetch
/// state. Nothing stored is lost: a changed item keeps its previous version, a purged one its
/// tombstone. See docs/storage.md.
public enum StorageModule {}
