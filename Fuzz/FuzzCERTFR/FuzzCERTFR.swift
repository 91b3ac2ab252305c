// libFuzzer target: any JSON through the CERT-FR (ANSSI) advisory translator.
// Crashes, hangs and leaks are bugs; errors are fine. Run: scripts/fuzz certfr
@testable import FeedParsing
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCERTFR(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes: data, count: size))) as? [String: Any] else { return 0 }
    _ = try? CERTFRTranslator(documentURL: "https://fuzz.example/avis/CERTFR-2026-AVI-0001/json/").translate(root)
    return 0
}
