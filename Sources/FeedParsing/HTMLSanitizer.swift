import CLibXML2
import Foundation

/// Makes feed HTML safe to publish: parsed by libxml2's HTML parser, or by `HTMLFastPath` when
/// it is plain and well formed (never executed, never fetched), then rebuilt from an allowlist.
/// Dropped with their content: script, style, iframe, form and the like; unknown elements are
/// unwrapped (their text kept); attributes are allowlisted per element, event handlers never
/// pass; links and images keep http(s) URLs with a host only (mailto for links), resolved
/// against the item's base; links get `rel="noopener noreferrer"`.
enum HTMLSanitizer {
    static func sanitize(_ html: String, base: String?) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return ByteText.trimmingASCIIWhitespace(html)
        }
        return trimmedString(rewrite(html, mode: .sanitize, base: base))
    }

    /// The same from UTF-8 bytes, which most fragments never need as a String: only their
    /// sanitized form is made one.
    static func sanitize(utf8 html: [UInt8], base: String?) -> String {
        html.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress, memchr(start, 0x3C, buffer.count) != nil || memchr(start, 0x26, buffer.count) != nil else {
                return trimmedString(html)
            }
            // References to C1 controls need TextRepair's String pass first (rare).
            guard !ByteText.contains("&#1", in: buffer) else { return sanitize(String(decoding: buffer, as: UTF8.self), base: base) }
            let fast = HTMLRewriteState(mode: .sanitize, base: base)
            if HTMLFastPath.run(buffer, into: fast) { return trimmedString(fast.output) }
            // Straight to libxml2: the fast path has just refused it.
            return trimmedString(rewriteWithLibXML2(String(decoding: buffer, as: UTF8.self), mode: .sanitize, base: base))
        }
    }

    private static func trimmedString(_ bytes: [UInt8]) -> String {
        let start = bytes.firstIndex { !ByteText.isASCIIWhitespace($0) } ?? bytes.endIndex
        let end = bytes.lastIndex { !ByteText.isASCIIWhitespace($0) }.map { $0 + 1 } ?? start
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.
    static func plainText(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return collapseWhitespace(html)
        }
        return collapseWhitespace(String(decoding: rewrite(html, mode: .text, base: nil), as: UTF8.self))
    }

    /// Well-formed fragments of allowlisted elements take the fast path, which yields the events
    /// libxml2's HTML parser would; everything else (and anything the fast path is unsure of)
    /// goes through libxml2. Either way the output is rebuilt by `HTMLRewriteState`'s allowlist.
    static func rewrite(_ html: String, mode: HTMLRewriteState.Mode, base: String?) -> [UInt8] {
        let repaired = TextRepair.repairC1References(html)
        let fast = HTMLRewriteState(mode: mode, base: base)
        if HTMLFastPath.run(repaired, into: fast) { return fast.output }
        return rewriteWithLibXML2(repaired, mode: mode, base: base)
    }

    private static func rewriteWithLibXML2(_ html: String, mode: HTMLRewriteState.Mode, base: String?) -> [UInt8] {
        let state = HTMLRewriteState(mode: mode, base: base)
        HTMLSAXRunner.run(html, sink: state)
        state.finish()
        return state.output
    }

    static func collapseWhitespace(_ s: String) -> String {
        ByteText.collapsingWhitespace(s)
    }

    // MARK: - Allowlist

    static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
        "button", "select", "textarea", "noscript", "template", "head", "meta",
        "link", "base", "audio", "video", "source", "track", "param", "dialog", "portal",
    ]

    static let allowedElements: Set<String> = [
        "a", "abbr", "acronym", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "time", "tr", "tt", "u", "ul", "var", "wbr",
    ]

    static let voidElements: Set<String> = ["br", "hr", "img", "wbr", "col"]

    /// What the sets above say of one element, found with one lookup per tag.
    struct ElementRule {
        var dropped = false
        var allowed = false
        var void = false
        var textBreak = false
        var attributes: Set<String> = []
    }

    static let rules: [String: ElementRule] = {
        var rules: [String: ElementRule] = [:]
        for name in droppedWithContent.union(allowedElements).union(textBreaks) {
            rules[name] = ElementRule(dropped: droppedWithContent.contains(name), allowed: allowedElements.contains(name),
                                      void: voidElements.contains(name), textBreak: textBreaks.contains(name),
                                      attributes: allowedAttributes[name] ?? [])
        }
        return rules
    }()

    /// Elements whose boundaries separate words when only the text is kept.
    static let textBreaks: Set<String> = ["br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                                          "blockquote", "pre", "dd", "dt", "hr", "img", "figcaption", "caption"]

    static let allowedAttributes: [String: Set<String>] = [
        "a": ["href", "title", "hreflang"],
        "img": ["src", "alt", "title", "width", "height"],
        "abbr": ["title"], "acronym": ["title"],
        "blockquote": ["cite"], "q": ["cite"], "del": ["cite", "datetime"], "ins": ["cite", "datetime"],
        "time": ["datetime"],
        "td": ["colspan", "rowspan", "headers"], "th": ["colspan", "rowspan", "scope", "headers", "abbr"],
        "col": ["span"], "colgroup": ["span"],
        "ol": ["start", "reversed"], "li": ["value"],
    ]
}

/// Receives an HTML fragment's parse events, from libxml2's SAX callbacks or from `HTMLFastPath`.
protocol HTMLEventSink: AnyObject {
    /// Attribute names are lower-cased; attributes without a value are left out.
    func start(_ name: String, _ attributes: [(name: String, value: String)])
    func end(_ name: String)
    func characters(_ pointer: UnsafePointer<UInt8>, _ count: Int)
}

/// What the parse events build: the rebuilt HTML (or the bare text) of one fragment.
final class HTMLRewriteState: HTMLEventSink {
    enum Mode { case sanitize, text }

    let mode: Mode
    let base: String?
    var output: [UInt8] = []
    /// > 0 while inside an element dropped with its content.
    var skipDepth = 0
    /// The elements open in the input, innermost last.
    private var open: [OpenElement] = []

    private struct OpenElement {
        let name: String
        /// Its start tag was written, so its end tag must be.
        let written: Bool
        /// It counts in `skipDepth`.
        let skipped: Bool
        /// In text mode, its end separates words.
        let textBreak: Bool
    }

    init(mode: Mode, base: String?) {
        self.mode = mode
        self.base = base
        output.reserveCapacity(256)
    }

    func start(_ name: String, _ attributes: [(name: String, value: String)]) {
        let rule = HTMLSanitizer.rules[name] ?? HTMLSanitizer.ElementRule()
        if skipDepth > 0 || rule.dropped {
            skipDepth += 1
            open.append(OpenElement(name: name, written: false, skipped: true, textBreak: false))
            return
        }
        if mode == .text {
            if rule.textBreak { output.append(0x20) }
            open.append(OpenElement(name: name, written: false, skipped: false, textBreak: rule.textBreak))
            return
        }
        guard rule.allowed, let kept = safeAttributes(element: name, allowed: rule.attributes, attributes) else {
            // Unknown elements are unwrapped: their content stays.
            open.append(OpenElement(name: name, written: false, skipped: false, textBreak: false))
            return
        }
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: name.utf8)
        for (key, value) in kept {
            output.append(0x20)
            output.append(contentsOf: key.utf8)
            output.append(contentsOf: "=\"".utf8)
            ByteText.appendEscaped(value, attribute: true, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        output.append(UInt8(ascii: ">"))
        open.append(OpenElement(name: name, written: !rule.void, skipped: false, textBreak: false))
    }

    /// Closes `name` and whatever is still open inside it. libxml2's HTML parser does not always
    /// pair its events (fuzzing found a start it never ended), so an end is matched by name, an
    /// end for nothing open is ignored, and the output stays balanced whatever the events.
    func end(_ name: String) {
        guard let index = open.lastIndex(where: { $0.name == name }) else { return }
        while open.count > index { close(open.removeLast()) }
    }

    /// Closes what the events left open.
    func finish() {
        while let element = open.popLast() { close(element) }
    }

    private func close(_ element: OpenElement) {
        if element.skipped {
            skipDepth -= 1
            return
        }
        if element.textBreak { output.append(0x20) }
        if element.written {
            output.append(contentsOf: "</".utf8)
            output.append(contentsOf: element.name.utf8)
            output.append(UInt8(ascii: ">"))
        }
    }

    func characters(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
        guard skipDepth == 0 else { return }
        let bytes = UnsafeBufferPointer(start: pointer, count: count)
        if mode == .text {
            output.append(contentsOf: bytes)
        } else {
            ByteText.appendEscapedText(bytes, to: &output)
        }
    }

    /// nil when the element must not be published at all (an image without a safe source).
    private func safeAttributes(element: String, allowed: Set<String>,
                                _ attributes: [(name: String, value: String)]) -> [(String, String)]? {
        var result: [(String, String)] = []
        if !attributes.isEmpty, !allowed.isEmpty {
            for (name, original) in attributes where allowed.contains(name) {
                var value = original
                if name == "href" || name == "src" || name == "cite" {
                    guard let resolved = URLResolver.resolve(value, against: base) else { continue }
                    // Links may also be mailto:, images and citations only http(s).
                    let safe = name == "href" ? URLResolver.isSafeLink(resolved) : URLResolver.isSafeImage(resolved)
                    guard safe else { continue }
                    value = resolved
                }
                result.append((name, value))
            }
        }
        if element == "img", !result.contains(where: { $0.0 == "src" }) { return nil }
        if element == "a", result.contains(where: { $0.0 == "href" }) {
            result.append(("rel", "noopener noreferrer"))
        }
        return result
    }
}

/// Drives libxml2's HTML push parser over one fragment with SAX callbacks: no tree is built,
/// nothing is fetched, errors are not printed. The fragment is framed by <html><body> so that
/// text at its top level is not wrapped in an implied paragraph.
enum HTMLSAXRunner {
    /// The C callbacks cannot capture; they reach the sink through the parser's user data.
    private final class SinkBox {
        let sink: any HTMLEventSink
        init(_ sink: any HTMLEventSink) { self.sink = sink }
    }

    /// Built per fragment: a C struct of function pointers, cheap to fill, and never shared.
    private static func makeHandler() -> htmlSAXHandler {
        var sax = htmlSAXHandler()
        sax.startElement = { context, name, attributes in
            guard let context, let name else { return }
            var pairs: [(name: String, value: String)] = []
            if let attributes {
                var index = 0
                while let namePointer = attributes[index] {
                    if let valuePointer = attributes[index + 1] {
                        pairs.append((String(cString: namePointer).lowercased(), String(cString: valuePointer)))
                    }
                    index += 2
                }
            }
            Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink.start(String(cString: name), pairs)
        }
        sax.endElement = { context, name in
            guard let context, let name else { return }
            Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink.end(String(cString: name))
        }
        sax.characters = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue().sink.characters(characters, Int(length))
        }
        sax.ignorableWhitespace = sax.characters
        sax.cdataBlock = sax.characters
        return sax
    }

    static func run(_ html: String, sink: any HTMLEventSink) {
        LibXML2.initialize()
        var html = html
        // A fragment flooded with attributes is hostile: it is dropped, not parsed.
        if html.withUTF8({ AttributeFlood.isPresent(UnsafeRawBufferPointer($0)) }) { return }
        var sax = makeHandler()
        let box = SinkBox(sink)
        let context = Unmanaged.passUnretained(box).toOpaque()
        guard let parser = htmlCreatePushParserCtxt(&sax, context, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else { return }
        defer {
            htmlFreeParserCtxt(parser)
            withExtendedLifetime(box) {}
        }
        let options = HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
        htmlCtxtUseOptions(parser, Int32(options))
        push(parser, "<html><body>", terminate: false)
        push(parser, neutralizingDoctype(html), terminate: false)
        push(parser, "</body></html>", terminate: true)
    }

    private static func push(_ parser: htmlParserCtxtPtr, _ text: String, terminate: Bool) {
        var text = text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                _ = htmlParseChunk(parser, chars.baseAddress, Int32(chars.count), terminate ? 1 : 0)
            }
        }
    }

    /// A DOCTYPE inside a fragment is dropped; an unterminated one is text, not markup (else the
    /// HTML parser swallows the rest of the fragment).
    static func neutralizingDoctype(_ html: String) -> String {
        guard ByteText.contains("<!", in: html), ByteText.range(ofASCIICaseInsensitive: "<!doctype", in: html) != nil else { return html }
        let bytes = Array(html.utf8)
        let marker = Array("<!doctype".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let isDoctype = bytes[index] == UInt8(ascii: "<") && index + marker.count <= bytes.count
                && zip(bytes[index..<(index + marker.count)], marker).allSatisfy { $0 | 0x20 == $1 | 0x20 }
            guard isDoctype else {
                output.append(bytes[index])
                index += 1
                continue
            }
            if let end = bytes[(index + marker.count)...].firstIndex(of: UInt8(ascii: ">")) {
                index = end + 1
            } else {
                output.append(contentsOf: "&lt;".utf8)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
