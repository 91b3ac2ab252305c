/// # Curation
///
/// Owns the editors' work on items: the workflow (new → queued → selected | rejected →
/// published) and which moves an editor may make, pins, title overrides, notes (Markdown,
/// rendered and sanitized once when written), tags added or removed by hand, and the editors
/// themselves (bcrypt password hashes, roles, desk sessions). Every action goes through
/// `Storage`, which keeps the append-only audit log and checks versions (optimistic
/// concurrency). The policy that decides without an editor is applied by `Storage` in bulk.
///
/// Both faces of curation use it: the `items …` and `users …` commands, and the web desk.
public enum CurationModule {}
