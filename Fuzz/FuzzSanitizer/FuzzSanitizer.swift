// libFuzzer target: any text through the HTML sanitizer; the output must never carry markup
// outside the allowlist, an event handler or a non-http(s) URL. And wherever the fast path takes
// a fragment, its events must be exactly libxml2's.
@testable import FeedParsing
import Foundation

private let allowedAttributes: Set<String> = ["href", "src", "alt", "title", "rel", "width", "height", "hreflang", "cite",
                                               "datetime", "colspan", "rowspan", "headers", "scope", "abbr", "span", "start",
                                               "reversed", "value"]
private let forbiddenElements: Set<String> = ["script", "iframe", "object", "embed", "form", "style", "svg", "math", "input",
                                              "meta", "base", "link", "template", "noscript"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSanitizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let clean = HTMLSanitizer.sanitize(html, base: "https://fuzz.example/a/")
    // Our output is regular: <name attr="value" …>. Check every tag we wrote.
    // Matched scalar by scalar: a ">" followed by a combining mark is one Character, not two.
    for tag in clean.matches(of: #/<([a-zA-Z0-9]+)((?: [a-z]+="[^"]*")*)>/#.matchingSemantics(.unicodeScalar)) {
        let name = String(tag.output.1).lowercased()
        if forbiddenElements.contains(name) { fatalError("sanitizer let <\(name)> through from \(html.debugDescription)") }
        for attribute in String(tag.output.2).matches(of: #/ ([a-z]+)="([^"]*)"/#.matchingSemantics(.unicodeScalar)) {
            let key = String(attribute.output.1), value = String(attribute.output.2)
            if !allowedAttributes.contains(key) { fatalError("sanitizer let \(key)= through from \(html.debugDescription)") }
            // Compared as bytes: "//" followed by a combining mark is not "//" as Characters.
            let lowered = Array(value.lowercased().utf8)
            func starts(_ prefix: String) -> Bool { lowered.starts(with: prefix.utf8) }
            if (key == "href" || key == "src" || key == "cite") && !(starts("https://") || starts("http://")
                || (key == "href" && starts("mailto:"))) {
                fatalError("sanitizer let \(key)=\"\(value)\" through from \(html.debugDescription)")
            }
        }
    }
    // Text is escaped: a "<" that starts no tag of ours means markup slipped through unparsed.
    let stripped = clean.replacing(#/<\/?[a-zA-Z0-9]+(?: [a-z]+="[^"]*")*>/#.matchingSemantics(.unicodeScalar), with: "")
    if stripped.unicodeScalars.contains("<") { fatalError("unescaped < in \(clean.debugDescription) from \(html.debugDescription)") }
    _ = HTMLSanitizer.plainText(html)
    let comparison = HTMLEventTranscript.compare(TextRepair.repairC1References(html))
    if comparison.accepted && comparison.fast != comparison.libxml2 {
        fatalError("fast path differs from libxml2 on \(html.debugDescription): \(comparison.fast.debugDescription) vs \(comparison.libxml2.debugDescription)")
    }
    return 0
}
