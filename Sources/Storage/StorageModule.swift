/// # Storage
///
/// Owns the SQLite database (through GRDB, on the system libsqlite3): the schema and its
/// versioned migrations, item identity and revisions, tags with their evidence, and the
/// per-source fetch state. WAL mode with a busy timeout, so readers never block the one writer.
/// Nothing stored is lost: a changed item keeps its previous version in `item_revision`.
public enum StorageModule {}
