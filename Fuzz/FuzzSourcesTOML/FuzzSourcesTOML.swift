// libFuzzer target: any text read as a sources file (Feeds/sources.toml). A source that loads has
// an id of a-z, 0-9 and -, and a remote one an http(s) address. Run: scripts/fuzz sources-toml
@testable import Config
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSourcesTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let file = try? TOMLFile(path: "/nonexistent/fuzz/sources.toml", text: text),
          let sources = try? SourcesFile.sources(in: file) else { return 0 }
    for source in sources {
        guard !source.id.isEmpty, source.id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            fatalError("source id accepted: \(source.id.debugDescription)")
        }
        let scheme = source.url.lowercased()
        guard source.local || scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
            fatalError("remote source \(source.id) with a non-http(s) address: \(source.url.debugDescription)")
        }
    }
    return 0
}
