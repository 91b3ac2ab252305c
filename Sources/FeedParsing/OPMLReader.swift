import Foundation
import Model

/// A feed subscription from an OPML 2.0 list, as feed readers export them.
public struct OPMLOutline: Sendable, Equatable {
    public var title: String
    public var feedURL: String
    public var siteURL: String?
    public var language: String?
}

/// Reads the subscriptions of an OPML file (nested category outlines included), with the same
/// safe XML reader as feeds.
public enum OPMLReader {
    public static func outlines(_ data: Data, limits: FeedParserLimits = FeedParserLimits()) throws -> [OPMLOutline] {
        guard data.count <= limits.maxDocumentBytes else {
            throw FeedParseError(.tooLarge(limit: limits.maxDocumentBytes), "the OPML file is over the \(limits.maxDocumentBytes)-byte limit")
        }
        var outlines: [OPMLOutline] = []
        let reader = XMLStreamReader(documentURL: nil, limits: limits,
                                     deadline: DispatchTime.now().uptimeNanoseconds + UInt64(limits.maxSeconds * 1e9))
        _ = try data.withUnsafeBytes { bytes in
            try reader.read(bytes, onRoot: { root in
                guard root.name == "opml" else { throw FeedParseError(.notAFeed, "not an OPML file: the root element is <\(root.name)>") }
                return { name, _ in name == "outline" }
            }, onRecord: { node in
                guard let url = FieldReading.nonEmpty(node.attribute("xmlUrl")), URLResolver.isSafeLink(url) else { return }
                let title = FieldReading.nonEmpty(node.attribute("title")) ?? FieldReading.nonEmpty(node.attribute("text")) ?? url
                outlines.append(OPMLOutline(title: HTMLSanitizer.collapseWhitespace(title), feedURL: url,
                                            siteURL: FieldReading.nonEmpty(node.attribute("htmlUrl")),
                                            language: FieldReading.language(node.attribute("language"))))
            })
        }
        return outlines
    }
}
