/// # FeedParsing
///
/// Owns turning untrusted bytes into a `ParsedFeed`: format detection, one translator per
/// dialect (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed), date parsing, URL resolution and HTML
/// sanitizing. XML goes through libxml2's SAX2 interface (its text reader for documents with a
/// DOCTYPE) with network access, DTD loading and entity substitution off; each item is built as
/// a small element tree, translated and dropped, so memory follows the largest item rather than
/// the document.
///
/// Entry point: `FeedParser.parse(_:url:)`.
public enum FeedParsingModule {}
