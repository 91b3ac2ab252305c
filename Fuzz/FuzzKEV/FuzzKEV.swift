// libFuzzer target: any JSON through the CISA KEV catalog translator, with the parser's limits.
// Crashes, hangs and leaks are bugs; errors are fine. Run: scripts/fuzz kev
@testable import FeedParsing
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKEV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes: data, count: size))) as? [String: Any] else { return 0 }
    _ = try? KEVTranslator().translate(root, limits: FeedParserLimits(maxDocumentBytes: 1 << 20, maxItems: 1000, maxSeconds: 5))
    return 0
}
