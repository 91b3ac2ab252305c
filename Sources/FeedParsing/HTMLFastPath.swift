import CLibXML2

/// Most feed HTML is plain and well formed: paragraphs, links, lists, emphasis, properly closed.
/// For such a fragment this tokenizer gives exactly the events libxml2's HTML parser would, in
/// a fraction of its time (libxml2's parser was half of all parsing time). It accepts only what
/// it can read without guessing, and returns false at the first thing it cannot; the caller then
/// hands the whole fragment to libxml2.
///
/// Accepted: allowlisted elements, nested as libxml2 would keep them (see `HTMLNesting`), every
/// element closed by its own end tag; attributes with quoted values; character references that
/// end with ";" and name a character HTML allows. Refused (left to libxml2): anything else,
/// such as comments, DOCTYPEs, unknown or dropped elements, omitted end tags, unquoted values,
/// control characters, carriage returns, or deep nesting.
///
/// Safety never rests on this tokenizer: its events go through the same allowlist
/// (`HTMLRewriteState`), which writes every tag and escapes every text itself. A test checks on
/// every fragment of the corpora, and on generated ones, that both paths give the same output.
enum HTMLFastPath {
    static let maxDepth = 64
    static let maxAttributes = 32

    static func run(_ html: String, into sink: any HTMLEventSink) -> Bool {
        var html = html
        return html.withUTF8 { run($0, into: sink) }
    }

    static func run(_ bytes: UnsafeBufferPointer<UInt8>, into sink: any HTMLEventSink) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let nesting = HTMLNesting.shared
        var tokenizer = Tokenizer(base: base, count: bytes.count)
        var open: [Int] = [HTMLNesting.body]
        var textStart = 0
        var decoded: [UInt8] = []

        func flushText(upTo end: Int) {
            if end > textStart { sink.characters(base + textStart, end - textStart) }
        }

        while tokenizer.index < tokenizer.count {
            tokenizer.skipPlainText()
            guard tokenizer.index < tokenizer.count else { break }
            switch tokenizer.current {
            case 0x3C:  // <
                flushText(upTo: tokenizer.index)
                tokenizer.index += 1
                if tokenizer.peek() == 0x2F {  // </
                    tokenizer.index += 1
                    guard let element = tokenizer.elementName(), element == open.last, open.count > 1 else { return false }
                    tokenizer.skipBlanks()
                    guard tokenizer.consume(0x3E) else { return false }
                    sink.end(HTMLNesting.names[element])
                    open.removeLast()
                } else {
                    let tagStart = tokenizer.index
                    guard let element = tokenizer.elementName(), let parent = open.last,
                          nesting.keepsOpen(parent: parent, child: element),
                          let (attributes, selfClosing) = tokenizer.attributes(decoded: &decoded),
                          tokenizer.index - tagStart < AttributeFlood.maxTagBytes else { return false }
                    let name = HTMLNesting.names[element]
                    sink.start(name, attributes)
                    if selfClosing || nesting.isVoid(element) {
                        sink.end(name)
                    } else {
                        guard open.count < maxDepth else { return false }
                        open.append(element)
                    }
                }
                textStart = tokenizer.index
            case 0x26:  // &
                flushText(upTo: tokenizer.index)
                decoded.removeAll(keepingCapacity: true)
                guard tokenizer.characterReference(into: &decoded) else { return false }
                decoded.withUnsafeBufferPointer { sink.characters($0.baseAddress!, $0.count) }
                textStart = tokenizer.index
            case 0xEF:  // the lead byte of U+FFFE and U+FFFF, and of many characters that are fine
                guard Tokenizer.isPlainTextByte(0xEF, at: tokenizer) else { return false }
                tokenizer.index += 1
            default:  // a control character
                return false
            }
        }
        flushText(upTo: tokenizer.count)
        return open.count == 1
    }

    /// A cursor over the fragment's UTF-8 bytes.
    struct Tokenizer {
        let base: UnsafePointer<UInt8>
        let count: Int
        var index = 0

        var current: UInt8 { base[index] }

        func peek() -> UInt8? { index < count ? base[index] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < count, base[index] == byte else { return false }
            index += 1
            return true
        }

        /// Moves past bytes that are text as they stand, to the next "<", "&", control
        /// character or 0xEF byte (one bit test each).
        mutating func skipPlainText() {
            // Eight bytes at a time while none of them can stop the run (SWAR: a byte below
            // 0x20, or equal to "&", "<", DEL or 0xEF, sets its high bit in `stops`).
            while index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
                let below0x20 = (word &- 0x20 &* ones) & ~word & highs
                let stops = below0x20 | zeroBytes(word ^ (0x26 &* ones)) | zeroBytes(word ^ (0x3C &* ones))
                    | zeroBytes(word ^ (0x7F &* ones)) | zeroBytes(word ^ (0xEF &* ones))
                if stops != 0 { break }
                index += 8
            }
            while index < count {
                let byte = base[index]
                if byte < 0x40 {
                    if (Self.textStopsBelow0x40 >> UInt64(byte)) & 1 != 0 { return }
                } else if byte == 0x7F || byte == 0xEF {
                    return
                }
                index += 1
            }
        }

        /// Bit n set: byte n (< 0x40) ends a run of plain text. Controls but tab and line feed, "&", "<".
        private static var textStopsBelow0x40: UInt64 {
            (0xFFFF_FFFF & ~(1 << 0x09 | 1 << 0x0A)) | 1 << 0x26 | 1 << 0x3C
        }

        mutating func skipBlanks() {
            while index < count, base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x09 { index += 1 }
        }

        /// Bytes that libxml2 passes through as text unchanged: not markup, not a control
        /// character (tab and line feed aside), not a carriage return (it rewrites CR LF), not
        /// U+FFFE or U+FFFF (it rejects them). The input is valid UTF-8, being a Swift String.
        static func isPlainTextByte(_ byte: UInt8, at tokenizer: Tokenizer) -> Bool {
            if byte >= 0x20 && byte != 0x7F && byte != 0xEF { return true }
            if byte == 0x09 || byte == 0x0A { return true }
            guard byte == 0xEF else { return false }
            let i = tokenizer.index
            return !(i + 2 < tokenizer.count && tokenizer.base[i + 1] == 0xBF && (tokenizer.base[i + 2] == 0xBE || tokenizer.base[i + 2] == 0xBF))
        }

        /// An allowlisted element's name, case-insensitive; nil for any other name.
        mutating func elementName() -> Int? {
            var key = HTMLNesting.NameKey()
            var length = 0
            while index < count {
                let byte = base[index]
                let lower: UInt8
                switch byte {
                case 0x61...0x7A, 0x30...0x39: lower = byte
                case 0x41...0x5A: lower = byte | 0x20
                default: lower = 0
                }
                if lower == 0 { break }
                guard length < 16 else { return nil }
                key.append(lower, at: length)
                length += 1
                index += 1
            }
            guard length > 0 else { return nil }
            return HTMLNesting.elementIDs[key]
        }

        /// The attributes up to the tag's end, and whether it ended with "/>"; nil when anything is
        /// unusual (unquoted or missing value, repeated name, odd characters, too many).
        mutating func attributes(decoded: inout [UInt8]) -> ([(name: String, value: String)], Bool)? {
            var attributes: [(name: String, value: String)] = []
            while true {
                let hadBlank = index < count && (base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x09)
                skipBlanks()
                guard index < count else { return nil }
                if base[index] == 0x3E {
                    index += 1
                    return (attributes, false)
                }
                if base[index] == 0x2F {
                    index += 1
                    guard consume(0x3E) else { return nil }
                    return (attributes, true)
                }
                guard hadBlank, attributes.count < HTMLFastPath.maxAttributes, let name = attributeName() else { return nil }
                skipBlanks()
                guard consume(0x3D) else { return nil }  // =
                skipBlanks()
                guard index < count, base[index] == 0x22 || base[index] == 0x27 else { return nil }
                let quote = base[index]
                index += 1
                decoded.removeAll(keepingCapacity: true)
                var runStart = index
                while true {
                    guard index < count else { return nil }
                    let byte = base[index]
                    if byte == quote { break }
                    if byte == 0x26 {
                        decoded.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                        guard characterReference(into: &decoded) else { return nil }
                        runStart = index
                        continue
                    }
                    guard byte != 0x3C, Self.isPlainTextByte(byte, at: self) else { return nil }
                    index += 1
                }
                decoded.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
                index += 1  // the closing quote
                guard !attributes.contains(where: { $0.name == name }) else { return nil }
                attributes.append((name, String(decoding: decoded, as: UTF8.self)))
            }
        }

        /// A lower-cased attribute name of ASCII letters, digits and hyphens, starting with a letter.
        private mutating func attributeName() -> String? {
            let start = index
            guard index < count, (base[index] | 0x20) >= 0x61, (base[index] | 0x20) <= 0x7A else { return nil }
            while index < count {
                // libxml2 cuts names at 100 bytes and reads on as another attribute.
                guard index - start < 100 else { return nil }
                let byte = base[index]
                let isNameByte = ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D
                guard isNameByte else { break }
                index += 1
            }
            var name = [UInt8](UnsafeBufferPointer(start: base + start, count: index - start))
            for i in name.indices where name[i] >= 0x41 && name[i] <= 0x5A { name[i] |= 0x20 }
            return String(decoding: name, as: UTF8.self)
        }

        /// "&name;", "&#123;" or "&#x1F;" at the cursor, appended as UTF-8; false for anything
        /// libxml2 might read differently (no ";", an unknown name, a character it refuses).
        mutating func characterReference(into output: inout [UInt8]) -> Bool {
            index += 1  // &
            var value: UInt32 = 0
            if consume(0x23) {  // #
                let hex = consume(0x78) || consume(0x58)
                var digits = 0
                while index < count, digits < 8 {
                    let byte = base[index]
                    let digit: UInt32
                    switch byte {
                    case 0x30...0x39: digit = UInt32(byte - 0x30)
                    case 0x61...0x66 where hex: digit = UInt32(byte - 0x61 + 10)
                    case 0x41...0x46 where hex: digit = UInt32(byte - 0x41 + 10)
                    default: digit = 99
                    }
                    if digit == 99 { break }
                    value = value * (hex ? 16 : 10) + digit
                    digits += 1
                    index += 1
                }
                guard digits > 0, digits < 8, consume(0x3B) else { return false }
            } else {
                let start = index
                while index < count, index - start < 32,
                      ((base[index] | 0x20) >= 0x61 && (base[index] | 0x20) <= 0x7A) || (base[index] >= 0x30 && base[index] <= 0x39) {
                    index += 1
                }
                guard index > start, index < count, base[index] == 0x3B else { return false }
                guard let found = HTMLEntities.value(of: UnsafeBufferPointer(start: base + start, count: index - start)) else { return false }
                index += 1
                value = found
            }
            // Characters XML allows, less the C1 controls (which TextRepair rewrites first).
            let allowed = value == 0x09 || value == 0x0A || (0x20...0x7E).contains(value) || (0xA0...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
            guard allowed, let scalar = Unicode.Scalar(value) else { return false }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { buffer in
                var count = 0
                UTF8.encode(scalar) { buffer[count] = $0; count += 1 }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
            }
            return true
        }
    }
}

/// Which allowlisted element libxml2's HTML parser keeps open when another starts inside it.
/// It closes some on its own (a `<p>` when a `<ul>` starts, say), from a table that differs
/// between libxml2 versions; so the table is asked of the libxml2 in use, once per process, by
/// parsing each pair and watching the events.
final class HTMLNesting: Sendable {
    static let names: [String] = HTMLSanitizer.allowedElements.sorted() + ["body"]
    static let body = names.count - 1
    static let elementIDs: [NameKey: Int] = {
        var ids: [NameKey: Int] = [:]
        for (id, name) in names.enumerated() where id != body {
            var key = NameKey()
            for (i, byte) in name.utf8.enumerated() { key.append(byte, at: i) }
            ids[key] = id
        }
        return ids
    }()

    /// An element name of up to 16 ASCII bytes, packed into two words for lookup.
    struct NameKey: Hashable {
        var low: UInt64 = 0
        var high: UInt64 = 0

        mutating func append(_ byte: UInt8, at position: Int) {
            if position < 8 { low |= UInt64(byte) << (8 * UInt64(position)) } else { high |= UInt64(byte) << (8 * UInt64(position - 8)) }
        }
    }

    static let shared = HTMLNesting()

    private let kept: [Bool]
    private let void: [Bool]

    private init() {
        let count = Self.names.count
        var kept = [Bool](repeating: false, count: count * count)
        var void = [Bool](repeating: false, count: count)
        for child in 0..<Self.body {
            void[child] = HTMLSanitizer.voidElements.contains(Self.names[child])
        }
        for parent in 0..<count where !void[parent] {
            let row = Self.probeRow(parent: parent, void: void)
            for child in 0..<Self.body {
                kept[parent * count + child] = row[child]
                    || Self.probe(parent: Self.names[parent], child: Self.names[child], childIsVoid: void[child])
            }
        }
        self.kept = kept
        self.void = void
    }

    func keepsOpen(parent: Int, child: Int) -> Bool { kept[parent * Self.names.count + child] }

    func isVoid(_ element: Int) -> Bool { void[element] }

    /// The pair probed on its own (what the batched probe is checked against).
    static func probeAlone(parent: Int, child: Int) -> Bool {
        let childIsVoid = HTMLSanitizer.voidElements.contains(names[child])
        return probe(parent: names[parent], child: names[child], childIsVoid: childIsVoid)
    }

    /// Every child under one parent in a single parse (one per pair would cost 40 ms a process):
    /// `<parent><child>q7</child></parent>` for each, and a pair passes when its marker text comes
    /// with exactly the events around it that it would have alone. One that does not is probed
    /// alone, so what an earlier pair left behind can only cost a probe, never pass a pair.
    private static func probeRow(parent: Int, void: [Bool]) -> [Bool] {
        let parentName = names[parent]
        var html = ""
        for child in 0..<body {
            let childName = names[child]
            let inner = void[child] ? "<\(childName)>q\(child)" : "<\(childName)>q\(child)</\(childName)>"
            html += parent == body ? inner : "<\(parentName)>\(inner)</\(parentName)>"
        }
        let recorder = HTMLEventTokens()
        HTMLSAXRunner.run(html, sink: recorder)
        let tokens = recorder.tokens
        var markerIndex: [String: Int] = [:]
        for (index, token) in tokens.enumerated() where token.hasPrefix("q") { markerIndex[token] = index }
        return (0..<body).map { child in
            let childName = names[child]
            var expected = void[child] ? ["<" + childName, "</" + childName, "q\(child)"] : ["<" + childName, "q\(child)", "</" + childName]
            if parent != body { expected = ["<" + parentName] + expected + ["</" + parentName] }
            guard let marker = markerIndex["q\(child)"] else { return false }
            let offset = expected.firstIndex(of: "q\(child)")!
            let start = marker - offset
            guard start >= 0, start + expected.count <= tokens.count else { return false }
            return Array(tokens[start..<(start + expected.count)]) == expected
        }
    }

    /// Events as tokens: "<name", "</name", and text (adjacent runs joined).
    private final class HTMLEventTokens: HTMLEventSink {
        var tokens: [String] = []
        private var textIsOpen = false
        func start(_ name: String, _ attributes: [(name: String, value: String)]) {
            tokens.append("<" + name)
            textIsOpen = false
        }
        func end(_ name: String) {
            tokens.append("</" + name)
            textIsOpen = false
        }
        func characters(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
            let text = String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
            if textIsOpen { tokens[tokens.count - 1] += text } else { tokens.append(text) }
            textIsOpen = true
        }
    }

    /// Parses `<parent><child>x</child></parent>` and checks the events come back nested just so.
    private static func probe(parent: String, child: String, childIsVoid: Bool) -> Bool {
        let transcript = HTMLEventTranscript()
        let inner = childIsVoid ? "<\(child)>x" : "<\(child)>x</\(child)>"
        let expected = HTMLEventTranscript()
        for name in ["html", "body"] { expected.start(name, []) }
        if parent == "body" {
            HTMLSAXRunner.run(inner, sink: transcript)
        } else {
            HTMLSAXRunner.run("<\(parent)>\(inner)</\(parent)>", sink: transcript)
            expected.start(parent, [])
        }
        expected.start(child, [])
        if childIsVoid { expected.end(child) }
        expected.events += "x"
        if !childIsVoid { expected.end(child) }
        if parent != "body" { expected.end(parent) }
        for name in ["body", "html"] { expected.end(name) }
        return transcript.events == expected.events
    }
}

/// The events of one parse as text (adjacent character events run together, as the output does):
/// what the nesting probe and the tests compare.
final class HTMLEventTranscript: HTMLEventSink {
    var events = ""

    func start(_ name: String, _ attributes: [(name: String, value: String)]) {
        events += "\u{1}<" + name
        for (key, value) in attributes { events += "\u{1} " + key + "=" + value }
        events += "\u{1}>"
    }

    func end(_ name: String) { events += "\u{1}</" + name + "\u{1}>" }

    func characters(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
        events += String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// Whether the fast path takes `fragment` and, if it does, whether its events are libxml2's
    /// (framed in the html and body elements that `HTMLSAXRunner` adds).
    static func compare(_ fragment: String) -> (accepted: Bool, fast: String, libxml2: String) {
        let fast = HTMLEventTranscript()
        for name in ["html", "body"] { fast.start(name, []) }
        let accepted = HTMLFastPath.run(fragment, into: fast)
        for name in ["body", "html"] { fast.end(name) }
        let slow = HTMLEventTranscript()
        HTMLSAXRunner.run(fragment, sink: slow)
        return (accepted, fast.events, slow.events)
    }
}
