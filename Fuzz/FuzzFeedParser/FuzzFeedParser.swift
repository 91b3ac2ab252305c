// libFuzzer target: any bytes through the whole feed parser. Crashes, hangs and leaks are bugs;
// errors are fine. Build and run: scripts/fuzz feed-parser
@testable import FeedParsing
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    // Every document through the threaded translation, which a 64 KB input would not reach otherwise.
    let parser = FeedParser(limits: FeedParserLimits(maxDocumentBytes: 1 << 20, maxItems: 1000, maxSeconds: 5,
                                                     concurrentTranslationBytes: 0))
    _ = try? parser.parse(Data(bytes: data, count: size), url: "https://fuzz.example/feed/")
    return 0
}
