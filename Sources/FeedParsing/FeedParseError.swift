/// Why a document could not be read as a feed. `description` is one line fit for stderr.
public struct FeedParseError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case tooLarge(limit: Int)
        case malformedXML
        case notAFeed
        case malformedJSON
        case timeLimit
        /// A structured document (CSAF, CERT-FR, KEV) with a required field missing or invalid.
        case invalidDocument
    }

    public var kind: Kind
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(_ kind: Kind, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        if let line {
            return "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " + message
        }
        return message
    }
}

/// Bounds applied to every document, whatever its source.
public struct FeedParserLimits: Sendable {
    /// Largest document accepted, in bytes.
    public var maxDocumentBytes: Int
    /// Most items read from one document; the rest are ignored.
    public var maxItems: Int
    /// Wall-clock budget for one document, all passes together, in seconds.
    public var maxSeconds: Double
    /// Documents from this size on are translated on a second thread while libxml2 reads; smaller
    /// ones on the reading thread (a second thread costs more than it saves).
    public var concurrentTranslationBytes: Int

    public init(maxDocumentBytes: Int = 32 << 20, maxItems: Int = 100_000, maxSeconds: Double = 20,
                concurrentTranslationBytes: Int = 128 << 10) {
        self.maxDocumentBytes = maxDocumentBytes
        self.maxItems = maxItems
        self.maxSeconds = maxSeconds
        self.concurrentTranslationBytes = concurrentTranslationBytes
    }
}
