/// What a source is expected to serve. Documents are always read by what they are (the parser
/// sniffs the format); a mismatch with the declared kind is logged, since it often means the
/// server now answers with something else.
///
/// `csaf` and `certfr` sources are collections of advisories rather than one document: the URL
/// lists documents (a CSAF provider-metadata.json, a ROLIE feed, a directory with changes.csv or
/// index.txt; for CERT-FR, its RSS feed or a directory of its JSON documents), and each listed
/// document is fetched, checked and read on its own.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    case auto, rss, atom, jsonfeed, csaf, certfr, kev

    public func accepts(_ format: FeedFormat) -> Bool {
        switch self {
        case .auto: return true
        case .rss: return format == .rss20 || format == .rss10 || format == .rss09x
        case .atom: return format == .atom10 || format == .atom03
        case .jsonfeed: return format == .jsonFeed
        case .csaf: return format == .csaf20
        case .certfr: return format == .certfr
        case .kev: return format == .kev
        }
    }

    /// Whether the source's URL lists advisory documents, each fetched on its own.
    public var isAdvisoryCollection: Bool { self == .csaf || self == .certfr }
}

/// One feed that cyberveille polls, as declared in the sources file.
public struct Source: Sendable, Hashable, Codable {
    /// Stable identifier (`[a-z0-9-]+`), the key of the source everywhere.
    public var id: String
    public var title: String
    /// Absolute URL (http, https, or file for sources marked `local`).
    public var url: String
    public var kind: SourceKind
    /// BCP 47 language of the source's items when the feed does not say (e.g. "fr").
    public var language: String?
    /// Configured poll interval, in seconds.
    public var interval: Int
    /// Sources whose silence must be reported (national CERTs).
    public var critical: Bool
    public var homepage: String?
    /// Only local sources may be read from `file://` URLs.
    public var local: Bool
    public var enabled: Bool
    /// The Traffic Light Protocol marking of everything the source serves (lower case: clear,
    /// white, green, amber, amber+strict, red); nil when unmarked, i.e. public.
    public var tlp: String?
    /// For advisory collections: a file holding the provider's OpenPGP public key, which signs
    /// its documents (besides the keys its provider-metadata.json names).
    public var signingKey: String?

    /// The markings a sources file may give; only CLEAR (or the legacy WHITE) is published.
    public static let tlpMarkings: Set<String> = ["clear", "white", "green", "amber", "amber+strict", "red"]

    public init(
        id: String, title: String, url: String, kind: SourceKind = .auto, language: String? = nil,
        interval: Int = 3600, critical: Bool = false, homepage: String? = nil, local: Bool = false,
        enabled: Bool = true, tlp: String? = nil, signingKey: String? = nil
    ) {
        self.id = id
        self.title = title
        self.url = url
        self.kind = kind
        self.language = language
        self.interval = interval
        self.critical = critical
        self.homepage = homepage
        self.local = local
        self.enabled = enabled
        self.tlp = tlp
        self.signingKey = signingKey
    }
}
