import CLibXML2
import Foundation
import Model

/// A feed subscription from an OPML 2.0 list, as feed readers export them.
public struct OPMLOutline: Sendable, Equatable {
    public var title: String
    public var feedURL: String
    public var siteURL: String?
    public var language: String?
}

/// An outline with a feed address that cannot be a source, and why.
public struct OPMLSkippedOutline: Sendable, Equatable {
    public var title: String
    public var feedURL: String
    public var reason: String
}

/// Reads the subscriptions of an OPML file (nested category outlines included), with the same
/// safe XML reader as feeds.
public enum OPMLReader {
    /// The subscriptions; outlines whose address is not http(s) are left out (see `read`).
    public static func outlines(_ data: Data, limits: FeedParserLimits = FeedParserLimits()) throws -> [OPMLOutline] {
        try read(data, limits: limits).outlines
    }

    /// The subscriptions, and the outlines left out because their feed address is not an
    /// http(s) URL (a `mailto:`, a `file:`, a relative path), each with its title and address,
    /// so that one bad outline does not stop the others.
    public static func read(_ data: Data, limits: FeedParserLimits = FeedParserLimits())
        throws -> (outlines: [OPMLOutline], skipped: [OPMLSkippedOutline]) {
        guard data.count <= limits.maxDocumentBytes else {
            throw FeedParseError(.tooLarge(limit: limits.maxDocumentBytes), "the OPML file is over the \(limits.maxDocumentBytes)-byte limit")
        }
        LibXML2.initialize()
        cv_silence_generic_errors()  // errors come back structured; libxml2 would also print some
        var outlines: [OPMLOutline] = []
        var skipped: [OPMLSkippedOutline] = []
        let reader = XMLStreamReader(documentURL: nil, limits: limits,
                                     deadline: DispatchTime.now().uptimeNanoseconds + UInt64(limits.maxSeconds * 1e9))
        _ = try data.withUnsafeBytes { bytes in
            try reader.read(bytes, onRoot: { root in
                guard root.name == "opml" else { throw FeedParseError(.notAFeed, "not an OPML file: the root element is <\(root.name)>") }
                return { name, _ in name == "outline" }
            }, onRecord: { node in
                guard let url = FieldReading.nonEmpty(node.attribute("xmlUrl")) else { return }  // a category
                let title = HTMLSanitizer.collapseWhitespace(
                    FieldReading.nonEmpty(node.attribute("title")) ?? FieldReading.nonEmpty(node.attribute("text")) ?? url)
                guard WebLink.isWeb(url) else {
                    skipped.append(OPMLSkippedOutline(title: title, feedURL: url, reason: "its feed address is not an http(s) URL"))
                    return
                }
                outlines.append(OPMLOutline(title: title, feedURL: url,
                                            siteURL: FieldReading.nonEmpty(node.attribute("htmlUrl")),
                                            language: FieldReading.language(node.attribute("language"))))
            })
        }
        return (outlines, skipped)
    }
}
