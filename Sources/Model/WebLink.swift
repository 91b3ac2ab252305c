/// Which links from feeds may become an `href`: http(s) with a host, nothing else. Feeds are
/// untrusted, and `javascript:`, `data:`, `vbscript:` or `file:` in a link runs or reads
/// something the moment a reader clicks; the site, the desk and the parser share this one rule.
public enum WebLink {
    /// Whether `link` (already trimmed by its reader) is an http(s) URL with a host part and no
    /// white space or control character in it.
    public static func isWeb(_ link: String) -> Bool {
        let bytes = link.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let scheme = String(decoding: bytes[..<colon], as: UTF8.self).lowercased()
        guard scheme == "http" || scheme == "https" else { return false }
        guard bytes[bytes.index(after: colon)...].starts(with: "//".utf8),
              bytes.count > scheme.utf8.count + 3 else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// `isWeb`, or a `mailto:` address (authors' links).
    public static func isWebOrMail(_ link: String) -> Bool {
        if isWeb(link) { return true }
        let bytes = link.utf8
        guard bytes.count > 7, String(decoding: bytes.prefix(7), as: UTF8.self).lowercased() == "mailto:" else { return false }
        return !bytes.contains { $0 <= 0x20 || $0 == 0x7F }
    }

    /// The link when it is `isWeb`, else nil.
    public static func web(_ link: String?) -> String? {
        guard let link, isWeb(link) else { return nil }
        return link
    }
}
