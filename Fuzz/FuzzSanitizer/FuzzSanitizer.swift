// libFuzzer target: any text through the HTML sanitizer; the output must never carry markup
// outside the allowlist, an event handler or a non-http(s) URL.
@testable import FeedParsing
import Foundation

private let forbidden = ["<script", "<iframe", "<object", "<embed", "<form", "<style", "<svg", "<math", " on", "javascript:", "data:"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSanitizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let clean = HTMLSanitizer.sanitize(html, base: "https://fuzz.example/a/")
    // Text is escaped, so a forbidden string can only appear inside a tag we wrote.
    var inTag = false
    var tag = ""
    for character in clean.lowercased() {
        if character == "<" { inTag = true; tag = "<"; continue }
        guard inTag else { continue }
        if character == ">" {
            for pattern in forbidden where tag.contains(pattern) && !(pattern == " on" && !tag.contains("=")) {
                if pattern == " on", !tag.split(separator: " ").dropFirst().contains(where: { $0.hasPrefix("on") }) { continue }
                fatalError("sanitizer let \(pattern) through: \(tag)> from \(html.debugDescription)")
            }
            inTag = false
        } else {
            tag.append(character)
        }
    }
    _ = HTMLSanitizer.plainText(html)
    return 0
}
