// libFuzzer target: any bytes read as an OPML subscription list. Every outline kept has an
// http(s) feed address; the others are skipped, never imported. Run: scripts/fuzz opml
@testable import FeedParsing
import Foundation
import Model

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOPML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let limits = FeedParserLimits(maxDocumentBytes: 1 << 20, maxItems: 1000, maxSeconds: 5)
    guard let list = try? OPMLReader.read(Data(bytes: data, count: size), limits: limits) else { return 0 }
    for outline in list.outlines where !WebLink.isWeb(outline.feedURL) {
        fatalError("outline kept with a feed address that is not http(s): \(outline.feedURL.debugDescription)")
    }
    return 0
}
