/// The sanitizer every feed's HTML goes through, for other HTML from outside (an editor's note
/// rendered from Markdown): the same allowlist, so the site has one rule for what HTML it shows.
public enum SafeHTML {
    public static func sanitize(_ html: String, base: String? = nil) -> String {
        LibXML2.initialize()
        return HTMLSanitizer.sanitize(html, base: base)
    }
}
