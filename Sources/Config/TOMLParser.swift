import Foundation

/// A TOML 1.0 reader (https://toml.io/en/v1.0.0) into plain Swift values, written for
/// cyberveille's configuration files: every mistake is an error with its line and column in plain
/// words, nothing is kept once read, and any thread may read. It replaced TOMLKit (toml++), which
/// stopped the process on an assertion for some malformed files, never freed a document, was
/// unsafe from several threads, and cost the build its C++. Dates and times are kept as written
/// (`TOMLNode.other`): no configuration key reads one.
struct TOMLParser {
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var root = TOMLNode.Table()
    /// The table `key = value` lines go into, as a path from the root (through an array of
    /// tables, its last table).
    private var current: [String] = []
    /// Tables written as `[name]` (or made by dotted keys under them), which may not be written twice.
    private var definedTables = Set<[String]>()
    /// Tables and arrays closed to later additions: inline tables and arrays written as values.
    private var sealed = Set<[String]>()
    /// How deep the values read here are nested: an inline table is read by a parser of its own.
    private var depth = 0

    /// Nesting beyond this is refused: arrays and inline tables are read recursively.
    static let maxDepth = 64

    static func parse(_ text: String) throws -> TOMLNode.Table {
        var parser = TOMLParser(bytes: Array(text.utf8))
        try parser.document()
        return parser.root
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    // MARK: Document

    private mutating func document() throws {
        while true {
            skipBlanks()
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try endOfLine()
            case UInt8(ascii: "["):
                try tableHeader()
                try endOfLine()
            default:
                try keyValue()
                try endOfLine()
            }
        }
    }

    private mutating func tableHeader() throws {
        let start = column
        advance()  // [
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        skipBlanks()
        let keys = try dottedKey()
        skipBlanks()
        guard expect("]") && (!isArray || expect("]")) else {
            throw error(isArray ? "a table header is not closed: ]] missing" : "a table header is not closed: ] missing")
        }
        if isArray {
            try appendArrayTable(keys, column: start)
        } else {
            let path = keys
            guard !definedTables.contains(path), !sealed.contains(path) else {
                throw error("the table [\(keys.joined(separator: "."))] is written twice: keep one", column: start)
            }
            try ensureTable(keys, column: start)
            definedTables.insert(path)
            current = keys
        }
    }

    private mutating func appendArrayTable(_ keys: [String], column: Int) throws {
        let name = keys.last!
        guard !sealed.contains(keys) else { throw error("`\(name)` was written whole as a value: it cannot be extended", column: column) }
        try withTable(at: Array(keys.dropLast())) { table in
            switch table[name] {
            case nil: table[name] = .array([.table([:])])
            case .array(var entries)?:
                guard entries.allSatisfy({ if case .table = $0 { true } else { false } }) else {
                    throw SyntaxError(line: 0, column: column, message: "`\(name)` is a list of values, not of tables")
                }
                entries.append(.table([:]))
                table[name] = .array(entries)
            default:
                throw SyntaxError(line: 0, column: column, message: "`\(name)` is already a value or a table, not a list of tables")
            }
        }
        current = keys
        // The tables and values under the previous entry may be written again under the new one.
        definedTables = definedTables.filter { !($0.starts(with: keys) && $0.count > keys.count) }
        sealed = sealed.filter { !($0.starts(with: keys) && $0.count > keys.count) }
    }

    /// `[a.b]` after `[a.b.c]` made it implicitly is fine; as a value it is not.
    private mutating func ensureTable(_ keys: [String], column: Int) throws {
        let name = keys.last!
        try withTable(at: Array(keys.dropLast())) { table in
            switch table[name] {
            case nil: table[name] = .table([:])
            case .table?: break
            default: throw SyntaxError(line: 0, column: column, message: "`\(name)` already has a value: it cannot be a table too")
            }
        }
    }

    // MARK: Key = value

    private mutating func keyValue() throws {
        let start = column
        let keys = try dottedKey()
        skipBlanks()
        guard expect("=") else {
            throw error(peek() == nil || isLineEnd(peek()!) ? "a key without a value: write `key = value` (text in quotes)"
                                                           : "`=` expected after the key: write `key = value`")
        }
        skipBlanks()
        guard let first = peek(), !isLineEnd(first), first != UInt8(ascii: "#") else {
            throw error("a key without a value: write `key = value` (text in quotes)")
        }
        let value = try self.value(depth: depth)
        let tables = Array(keys.dropLast())
        // Dotted keys make (and define) the tables they go through.
        for depth in tables.indices {
            let path = current + tables[...depth]
            guard !sealed.contains(path) else { throw error("`\(tables[depth])` was written whole as a value: it cannot be extended", column: start) }
            try withTable(at: current + tables[..<depth]) { table in
                switch table[tables[depth]] {
                case nil: table[tables[depth]] = .table([:])
                case .table?: break
                default: throw SyntaxError(line: 0, column: start, message: "`\(tables[depth])` already has a value: it cannot be a table too")
                }
            }
            definedTables.insert(path)
        }
        let name = keys.last!
        try withTable(at: current + tables) { table in
            guard table[name] == nil else {
                throw SyntaxError(line: 0, column: start, message: "`\(name)` is given twice: keep one")
            }
            table[name] = value
        }
        switch value {
        case .table, .array: sealed.insert(current + keys)
        default: break
        }
    }

    /// Runs `body` on the table at `path`, making the tables missing on the way; through an
    /// array of tables, into its last table.
    private mutating func withTable(at path: [String], _ body: (inout TOMLNode.Table) throws -> Void) throws {
        do {
            try Self.modify(&root, path[...], body)
        } catch var syntax as SyntaxError {
            if syntax.line == 0 { syntax.line = line }
            throw syntax
        }
    }

    private static func modify(_ table: inout TOMLNode.Table, _ path: ArraySlice<String>, _ body: (inout TOMLNode.Table) throws -> Void) throws {
        guard let name = path.first else { return try body(&table) }
        switch table[name] {
        case nil:
            var child = TOMLNode.Table()
            try modify(&child, path.dropFirst(), body)
            table[name] = .table(child)
        case .table(var child)?:
            table[name] = nil  // the subtree is not copied while it changes
            defer { table[name] = .table(child) }
            try modify(&child, path.dropFirst(), body)
        case .array(var entries)?:
            guard case .table(var child)? = entries.last else {
                throw SyntaxError(line: 0, column: 0, message: "`\(name)` is a list of values: it holds no tables")
            }
            table[name] = nil
            defer {
                entries[entries.count - 1] = .table(child)
                table[name] = .array(entries)
            }
            try modify(&child, path.dropFirst(), body)
        default:
            throw SyntaxError(line: 0, column: 0, message: "`\(name)` already has a value: it cannot be a table too")
        }
    }

    private mutating func dottedKey() throws -> [String] {
        var keys = [try simpleKey()]
        while true {
            skipBlanks()
            guard peek() == UInt8(ascii: ".") else { return keys }
            advance()
            skipBlanks()
            keys.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws -> String {
        guard let byte = peek() else { throw error("a key is missing") }
        if byte == UInt8(ascii: "\"") {
            advance()
            return try basicString()
        }
        if byte == UInt8(ascii: "'") {
            advance()
            return try literalString()
        }
        let start = index
        while let next = peek(), Self.isBareKey(next) { advance() }
        guard index > start else {
            throw error("a key is letters, digits, _ and - (or text in quotes), not « \(Self.describe(byte)) »")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    // MARK: Values

    private mutating func value(depth: Int) throws -> TOMLNode {
        guard depth < Self.maxDepth else { throw error("lists and tables nested more than \(Self.maxDepth) deep") }
        guard let byte = peek() else { throw error("a value is missing at the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            if matches("\"\"\"") {
                index += 3
                return .string(try multilineBasicString())
            }
            advance()
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if matches("'''") {
                index += 3
                return .string(try multilineLiteralString())
            }
            advance()
            return .string(try literalString())
        case UInt8(ascii: "["):
            advance()
            return try array(depth: depth)
        case UInt8(ascii: "{"):
            advance()
            return try inlineTable(depth: depth)
        case UInt8(ascii: "t") where matches("true"):
            index += 4
            return .bool(true)
        case UInt8(ascii: "f") where matches("false"):
            index += 5
            return .bool(false)
        default:
            return try numberOrDate()
        }
    }

    private mutating func array(depth: Int) throws -> TOMLNode {
        let opened = SyntaxError(line: line, column: column - 1, message: "the file ends inside a list [ … ] opened here: a closing ] is missing")
        var elements: [TOMLNode] = []
        while true {
            try skipBlanksLinesAndComments()
            guard let byte = peek() else { throw opened }
            if byte == UInt8(ascii: "]") {
                advance()
                return .array(elements)
            }
            guard byte != UInt8(ascii: ",") else { throw error("a value is missing before this comma") }
            elements.append(try value(depth: depth + 1))
            try skipBlanksLinesAndComments()
            if peek() == UInt8(ascii: ",") {
                advance()
            } else if peek() != UInt8(ascii: "]") {
                throw peek() == nil ? opened : error("a comma or ] expected in the list, not « \(Self.describe(peek()!)) »")
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws -> TOMLNode {
        // Read as its own small document, so that its keys follow the same rules.
        guard depth + 1 < Self.maxDepth else { throw error("lists and tables nested more than \(Self.maxDepth) deep") }
        var inner = TOMLParser(bytes: bytes)
        inner.depth = depth + 1
        inner.line = line
        inner.lineStart = lineStart
        skipBlanks()
        inner.index = index
        if peek() == UInt8(ascii: "}") {
            advance()
            return .table([:])
        }
        while true {
            inner.skipBlanks()
            guard let byte = inner.peek(), !isLineEnd(byte) else {
                index = inner.index
                throw error("a table { … } is written on one line and closed with }")
            }
            try inner.keyValue()
            inner.skipBlanks()
            if inner.peek() == UInt8(ascii: ",") {
                inner.advance()
                inner.skipBlanks()
                if inner.peek() == UInt8(ascii: "}") {
                    index = inner.index
                    throw error("no comma after the last value of a table { … }")
                }
            } else if inner.peek() == UInt8(ascii: "}") {
                inner.advance()
                index = inner.index
                line = inner.line
                lineStart = inner.lineStart
                return .table(inner.root)
            } else {
                index = inner.index
                throw error(inner.peek() == nil ? "the file ends inside a table { … }: a closing } is missing"
                                                : "a comma or } expected in the table { … }")
            }
        }
    }

    private mutating func numberOrDate() throws -> TOMLNode {
        let start = index
        while let byte = peek(), !isLineEnd(byte), byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}"),
              byte != UInt8(ascii: "#") {
            // A date and time may hold one space between them.
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                let text = bytes[start..<index]
                guard text.count == 10, text.filter({ $0 == UInt8(ascii: "-") }).count == 2, let next = peek(at: 1), Self.isDigit(next) else { break }
            }
            advance()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !text.isEmpty else { throw error("a value is missing: text in quotes, a number, true or false, [ … ] or { … }") }
        if let number = Self.number(text) { return number }
        if Self.isDateOrTime(text) { return .other(text) }
        if text.lowercased() == "true" || text.lowercased() == "false" {
            throw error("true or false expected (lower case, no quotes)", column: column - text.utf8.count)
        }
        throw error("« \(text) » is not a value: text goes in quotes (\"\(text)\")", column: column - text.utf8.count)
    }

    private static func number(_ text: String) -> TOMLNode? {
        switch text {
        case "inf", "+inf": return .double(.infinity)
        case "-inf": return .double(-.infinity)
        case "nan", "+nan", "-nan": return .double(.nan)
        default: break
        }
        var body = Substring(text)
        var sign = ""
        if body.first == "+" || body.first == "-" {
            sign = body.first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            guard sign.isEmpty, let digits = underscoresRemoved(body.dropFirst(2)), let value = Int(digits, radix: radix) else { return nil }
            return .int(value)
        }
        guard let digits = underscoresRemoved(body), let first = digits.first, first.isASCII, first.isNumber else { return nil }
        // No leading zeros (but 0 itself, and 0.5).
        if digits.count > 1, first == "0", digits.dropFirst().first?.isNumber == true { return nil }
        if digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(sign + digits).map(TOMLNode.int) }
        guard digits.allSatisfy({ $0.isASCII && ($0.isNumber || "eE+-.".contains($0)) }), digits.last?.isNumber == true,
              !digits.contains(".e"), !digits.contains(".E"), let value = Double(sign + digits) else { return nil }
        return .double(value)
    }

    /// Underscores only between digits, as TOML allows them.
    private static func underscoresRemoved(_ text: Substring) -> String? {
        let characters = Array(text)
        for (offset, character) in characters.enumerated() where character == "_" {
            guard offset > 0, offset < characters.count - 1, characters[offset - 1].isHexDigit, characters[offset + 1].isHexDigit else { return nil }
        }
        return text.isEmpty ? nil : String(characters.filter { $0 != "_" })
    }

    private static func isDateOrTime(_ text: String) -> Bool {
        let allowed = Set("0123456789-:.TtZz+ ")
        guard text.allSatisfy(allowed.contains), let first = text.first, first.isNumber else { return false }
        let date = text.count >= 10 && text.prefix(10).enumerated().allSatisfy { offset, character in
            offset == 4 || offset == 7 ? character == "-" : character.isNumber
        }
        let time = text.count >= 8 && text.prefix(8).enumerated().allSatisfy { offset, character in
            offset == 2 || offset == 5 ? character == ":" : character.isNumber
        }
        return date || time
    }

    // MARK: Strings

    private mutating func basicString() throws -> String {
        var result: [UInt8] = []
        while true {
            guard let byte = peek(), !isLineEnd(byte) else {
                throw error("a string is not closed: \" missing before the end of the line (a string on several lines is written between \"\"\")")
            }
            advance()
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: result, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &result)
            default: result.append(byte)
            }
        }
    }

    private mutating func literalString() throws -> String {
        let start = index
        while let byte = peek(), byte != UInt8(ascii: "'") {
            guard !isLineEnd(byte) else {
                throw error("a string is not closed: ' missing before the end of the line (a string on several lines is written between ''')")
            }
            advance()
        }
        guard peek() != nil else { throw error("a string is not closed: ' missing") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        advance()
        return text
    }

    private mutating func multilineBasicString() throws -> String {
        var result: [UInt8] = []
        skipFirstNewline()
        while true {
            guard let byte = peek() else { throw error("the file ends inside a string: \"\"\" missing") }
            if closesMultiline(UInt8(ascii: "\""), into: &result) { return String(decoding: result, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                advance()
                // A backslash at the end of a line joins the next non-blank text.
                var lookahead = index
                while lookahead < bytes.count, bytes[lookahead] == UInt8(ascii: " ") || bytes[lookahead] == UInt8(ascii: "\t") { lookahead += 1 }
                if lookahead < bytes.count, bytes[lookahead] == UInt8(ascii: "\n") || bytes[lookahead] == UInt8(ascii: "\r") {
                    index = lookahead
                    while let next = peek(), next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || isLineEnd(next) {
                        if next == UInt8(ascii: "\n") { newLine() } else { advance() }
                    }
                    continue
                }
                try escape(into: &result)
                continue
            }
            if byte == UInt8(ascii: "\n") {
                result.append(byte)
                newLine()
                continue
            }
            result.append(byte)
            advance()
        }
    }

    private mutating func multilineLiteralString() throws -> String {
        var result: [UInt8] = []
        skipFirstNewline()
        while true {
            guard let byte = peek() else { throw error("the file ends inside a string: ''' missing") }
            if closesMultiline(UInt8(ascii: "'"), into: &result) { return String(decoding: result, as: UTF8.self) }
            result.append(byte)
            if byte == UInt8(ascii: "\n") { newLine() } else { advance() }
        }
    }

    /// Three quotes end a multi-line string; up to two more just before them belong to it.
    private mutating func closesMultiline(_ quote: UInt8, into result: inout [UInt8]) -> Bool {
        guard bytes[index...].starts(with: [quote, quote, quote]) else { return false }
        index += 3
        var extra = 0
        while peek() == quote, extra < 2 {
            result.append(quote)
            advance()
            extra += 1
        }
        return true
    }

    private mutating func skipFirstNewline() {
        if matches("\r\n") { index += 1 }
        if peek() == UInt8(ascii: "\n") { newLine() }
    }

    private mutating func escape(into result: inout [UInt8]) throws {
        guard let byte = peek() else { throw error("a string ends with a lone \\") }
        advance()
        let simple: [UInt8: UInt8] = [UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "f"): 0x0C,
                                      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C]
        if let replacement = simple[byte] {
            result.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") || byte == UInt8(ascii: "U") else {
            throw error("« \\\(Self.describe(byte)) » is not an escape of TOML (\\\\ for a backslash, \\\" for a quote, \\n, \\t, \\uXXXX)", column: column - 2)
        }
        let count = byte == UInt8(ascii: "u") ? 4 : 8
        guard index + count <= bytes.count, let value = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
              let scalar = Unicode.Scalar(value) else {
            throw error("\\\(Self.describe(byte)) is followed by \(count) hexadecimal digits of a Unicode character", column: column - 2)
        }
        index += count
        result += Array(String(Character(scalar)).utf8)
    }

    // MARK: Reading

    private var column: Int { String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1 }

    private func peek(at offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    private mutating func advance() { index += 1 }

    private mutating func newLine() {
        index += 1
        line += 1
        lineStart = index
    }

    private func matches(_ text: String) -> Bool { bytes[index...].starts(with: text.utf8) }

    private mutating func expect(_ character: Character) -> Bool {
        guard peek() == character.asciiValue else { return false }
        advance()
        return true
    }

    private func isLineEnd(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") }

    private mutating func skipBlanks() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    /// After a value or a header: blanks, an optional comment, then the end of the line.
    private mutating func endOfLine() throws {
        skipBlanks()
        if peek() == UInt8(ascii: "#") {
            while let byte = peek(), !isLineEnd(byte) { advance() }
        }
        if matches("\r\n") { advance() }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") else {
            throw error(byte == UInt8(ascii: "\r") ? "a carriage return alone: lines end with a line feed"
                                                   : "one `key = value` per line: « \(Self.describe(byte)) » follows the value")
        }
        newLine()
    }

    private mutating func skipBlanksLinesAndComments() throws {
        while true {
            skipBlanks()
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "#") || isLineEnd(byte) {
                try endOfLine()
            } else {
                return
            }
        }
    }

    private func error(_ message: String, column: Int? = nil) -> SyntaxError {
        SyntaxError(line: line, column: column ?? self.column, message: message)
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func describe(_ byte: UInt8) -> String {
        byte < 0x80 ? String(UnicodeScalar(byte)) : "a non-ASCII character"
    }
}
