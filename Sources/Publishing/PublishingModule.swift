/// # Publishing
///
/// Owns the public site: it renders the Mustache templates of `Templates/` (editable without
/// rebuilding) with the stored items into a staging folder, copies the static assets, and only
/// then swaps the staging folder into place, so readers never see a half-written site.
/// Feed HTML reaching this stage has already been sanitized; everything else is escaped by
/// the templates.
public enum PublishingModule {}
