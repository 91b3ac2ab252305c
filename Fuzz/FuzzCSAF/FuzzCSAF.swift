// libFuzzer target: any JSON through the CSAF 2.0 translator, whether or not it says it is CSAF
// (the detection is a few keys; the translation is where untrusted structure is walked).
// Crashes, hangs and leaks are bugs; errors are fine. Run: scripts/fuzz csaf
@testable import FeedParsing
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSAF(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes: data, count: size))) as? [String: Any] else { return 0 }
    _ = try? CSAFTranslator(documentURL: "https://fuzz.example/csaf/2026/a.json").translate(root)
    return 0
}
