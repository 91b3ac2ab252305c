import CLibXML2

/// Makes feed HTML safe to publish: parsed by libxml2's HTML parser (never executed, never
/// fetched), then rebuilt from an allowlist. Dropped with their content: script, style, iframe,
/// form and the like; unknown elements are unwrapped (their text kept); attributes are
/// allowlisted per element, event handlers never pass; links and images keep http(s) URLs only
/// (mailto for links), resolved against the item's base; links get `rel="noopener noreferrer"`.
enum HTMLSanitizer {
    static func sanitize(_ html: String, base: String?) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return ByteText.trimmingASCIIWhitespace(html)
        }
        let state = HTMLRewriteState(mode: .sanitize, base: base)
        HTMLSAXRunner.run(TextRepair.repairC1References(html), state: state)
        return ByteText.trimmingASCIIWhitespace(String(decoding: state.output, as: UTF8.self))
    }

    /// The text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed.
    static func plainText(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return collapseWhitespace(html)
        }
        let state = HTMLRewriteState(mode: .text, base: nil)
        HTMLSAXRunner.run(TextRepair.repairC1References(html), state: state)
        return collapseWhitespace(String(decoding: state.output, as: UTF8.self))
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

/// What the SAX callbacks build: the rebuilt HTML (or the bare text) of one fragment.
final class HTMLRewriteState {
    enum Mode { case sanitize, text }

    let mode: Mode
    let base: String?
    var output: [UInt8] = []
    /// > 0 while inside an element dropped with its content.
    var skipDepth = 0
    /// For each open element: whether its tags were written (so its end tag is too).
    var emitted: [Bool] = []

    init(mode: Mode, base: String?) {
        self.mode = mode
        self.base = base
        output.reserveCapacity(256)
    }

    func start(_ name: String, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        if skipDepth > 0 || HTMLSanitizer.droppedWithContent.contains(name) {
            skipDepth += 1
            emitted.append(false)
            return
        }
        if mode == .text {
            if HTMLSanitizer.textBreaks.contains(name) { output.append(0x20) }
            emitted.append(false)
            return
        }
        guard HTMLSanitizer.allowedElements.contains(name),
              let kept = safeAttributes(element: name, attributes) else {
            emitted.append(false)  // unknown elements are unwrapped: their content stays
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
        emitted.append(!HTMLSanitizer.voidElements.contains(name))
    }

    func end(_ name: String) {
        guard let wasEmitted = emitted.popLast() else { return }
        if skipDepth > 0 {
            skipDepth -= 1
            return
        }
        if mode == .text, HTMLSanitizer.textBreaks.contains(name) { output.append(0x20) }
        if wasEmitted {
            output.append(contentsOf: "</".utf8)
            output.append(contentsOf: name.utf8)
            output.append(UInt8(ascii: ">"))
        }
    }

    func characters(_ pointer: UnsafePointer<xmlChar>, _ count: Int) {
        guard skipDepth == 0 else { return }
        let bytes = UnsafeBufferPointer(start: pointer, count: count)
        if mode == .text {
            output.append(contentsOf: bytes)
        } else {
            ByteText.appendEscapedText(bytes, to: &output)
        }
    }

    /// nil when the element must not be published at all (an image without a safe source).
    private func safeAttributes(element: String, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> [(String, String)]? {
        var result: [(String, String)] = []
        if let attributes, let allowed = HTMLSanitizer.allowedAttributes[element] {
            var index = 0
            while let namePointer = attributes[index] {
                let valuePointer = attributes[index + 1]
                index += 2
                let name = String(cString: namePointer).lowercased()
                guard allowed.contains(name), let valuePointer else { continue }
                var value = String(cString: valuePointer)
                if name == "href" || name == "src" || name == "cite" {
                    guard let resolved = URLResolver.resolve(value, against: base) else { continue }
                    let safe = name == "src" ? URLResolver.isSafeImage(resolved) : URLResolver.isSafeLink(resolved)
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
    /// Built per fragment: a C struct of function pointers, cheap to fill, and never shared.
    private static func makeHandler() -> htmlSAXHandler {
        var sax = htmlSAXHandler()
        sax.startElement = { context, name, attributes in
            guard let context, let name else { return }
            Unmanaged<HTMLRewriteState>.fromOpaque(context).takeUnretainedValue().start(String(cString: name), attributes)
        }
        sax.endElement = { context, name in
            guard let context, let name else { return }
            Unmanaged<HTMLRewriteState>.fromOpaque(context).takeUnretainedValue().end(String(cString: name))
        }
        sax.characters = { context, characters, length in
            guard let context, let characters, length > 0 else { return }
            Unmanaged<HTMLRewriteState>.fromOpaque(context).takeUnretainedValue().characters(characters, Int(length))
        }
        sax.ignorableWhitespace = sax.characters
        sax.cdataBlock = sax.characters
        return sax
    }

    static func run(_ html: String, state: HTMLRewriteState) {
        LibXML2.initialize()
        var html = html
        // A fragment flooded with attributes is hostile: it is dropped, not parsed.
        if html.withUTF8({ AttributeFlood.isPresent(UnsafeRawBufferPointer($0)) }) { return }
        var sax = makeHandler()
        let context = Unmanaged.passUnretained(state).toOpaque()
        guard let parser = htmlCreatePushParserCtxt(&sax, context, nil, 0, nil, XML_CHAR_ENCODING_UTF8) else { return }
        defer { htmlFreeParserCtxt(parser) }
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
