/// # Desk
///
/// The editors' local web desk (`cyberveille serve`): sign-in, the queue with filters and
/// search, an item's page with its tag evidence and every source of its story, the actions of
/// the workflow, a preview of the next edition, and (admins) the audit log. It owns HTTP
/// concerns only — sessions in cookies, CSRF tokens, login rate limiting, security headers —
/// and leaves every decision to `Curation` and `Storage`.
///
/// Stable paths (scripts rely on them): `GET /login`, `POST /login` (form fields `username`,
/// `password`, `csrf`), `GET /queue`, `POST /items/ID/select|reject|pin`, `GET /health`.
public enum DeskModule {}
