/// A parsed Mustache template: the subset of the Mustache specification our templates use
/// (variables, sections, inverted sections, comments, partials, and inheritance through parents
/// and blocks), with the specification's rules for standalone lines.
struct Template: Sendable {
    indirect enum Node: Sendable {
        /// Literal text, as UTF-8.
        case text([UInt8])
        /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}` (as is). `path` is the dotted name
        /// split at its dots; empty for `{{.}}`.
        case variable(path: [TemplateName], escaped: Bool)
        case section(path: [TemplateName], inverted: Bool, children: [Node])
        /// `{{> name}}`; `indentation`: what precedes a standalone partial tag, put before each of its lines.
        case partial(name: String, indentation: [UInt8])
        /// `{{< name}} {{$block}}…{{/block}} {{/name}}`: the parent rendered with these blocks.
        case parent(name: String, blocks: [String: [Node]])
        /// `{{$name}}default{{/name}}`: replaced by a child's block of the same name.
        case block(name: String, children: [Node])
    }

    let nodes: [Node]

    init(nodes: [Node]) { self.nodes = nodes }

    /// Parses `text`; errors name the line and column of the tag at fault.
    init(parsing text: String) throws(TemplateSyntaxError) {
        var parser = TemplateParser(Array(text.utf8))
        nodes = try parser.parseAll()
    }
}

public struct TemplateSyntaxError: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let column: Int
    public let message: String
    public var description: String { "\(line):\(column): \(message)" }
}

/// Reads a template's tags left to right into a tree.
private struct TemplateParser {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static let open: [UInt8] = Array("{{".utf8)

    mutating func parseAll() throws(TemplateSyntaxError) -> [Template.Node] {
        let (nodes, closing) = try parse(until: nil)
        if let closing { throw error(at: closing.start, "unexpected {{/\(closing.name)}}") }
        return nodes
    }

    private struct Closing {
        var name: String
        var start: Int
    }

    /// Nodes up to the `{{/name}}` that closes the open section (nil: up to the end).
    private mutating func parse(until section: (name: String, start: Int)?) throws(TemplateSyntaxError) -> ([Template.Node], Closing?) {
        var nodes: [Template.Node] = []
        var text: [UInt8] = []
        func flushText() {
            if !text.isEmpty { nodes.append(.text(text)); text = [] }
        }
        while position < bytes.count {
            guard let tagStart = find(Self.open, from: position) else {
                text.append(contentsOf: bytes[position...])
                position = bytes.count
                break
            }
            text.append(contentsOf: bytes[position..<tagStart])
            var cursor = tagStart + 2
            guard cursor < bytes.count else { throw error(at: tagStart, "unclosed tag") }
            let sigil = bytes[cursor]
            let triple = sigil == UInt8(ascii: "{")
            if "&#^/!><$%=".utf8.contains(sigil) || triple { cursor += 1 }
            let closer: [UInt8] = triple ? Array("}}}".utf8) : Array("}}".utf8)
            guard let contentEnd = find(closer, from: cursor) else { throw error(at: tagStart, "unclosed tag") }
            let tagEnd = contentEnd + closer.count
            let content = String(decoding: bytes[cursor..<contentEnd], as: UTF8.self).trimmingSpaces()
            let kind: UInt8 = triple ? UInt8(ascii: "&") : ("&#^/!><$%=".utf8.contains(sigil) ? sigil : 0)
            if kind == UInt8(ascii: "=") { throw error(at: tagStart, "changing delimiters is not supported") }
            if kind != UInt8(ascii: "!") && kind != UInt8(ascii: "%") && content.isEmpty { throw error(at: tagStart, "empty tag") }
            // A tag alone on its line (but for blanks) takes the whole line with it.
            var indentation: [UInt8] = []
            if kind != 0 && kind != UInt8(ascii: "&"), let line = standaloneLine(tagStart: tagStart, tagEnd: tagEnd) {
                indentation = Array(bytes[line.start..<tagStart])
                text.removeLast(tagStart - line.start)
                position = line.end
            } else {
                position = tagEnd
            }
            switch kind {
            case 0, UInt8(ascii: "&"):
                flushText()
                nodes.append(.variable(path: Self.path(content), escaped: kind == 0))
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                flushText()
                let (children, _) = try parse(until: (content, tagStart))
                nodes.append(.section(path: Self.path(content), inverted: kind == UInt8(ascii: "^"), children: children))
            case UInt8(ascii: "$"):
                flushText()
                let (children, _) = try parse(until: (content, tagStart))
                nodes.append(.block(name: content, children: children))
            case UInt8(ascii: "<"):
                flushText()
                let (children, _) = try parse(until: (content, tagStart))
                var blocks: [String: [Template.Node]] = [:]
                for case .block(let name, let content) in children { blocks[name] = content }
                nodes.append(.parent(name: content, blocks: blocks))
            case UInt8(ascii: "/"):
                flushText()
                guard let section else { return (nodes, Closing(name: content, start: tagStart)) }
                guard content == section.name else {
                    throw error(at: tagStart, "{{/\(content)}} closes {{\(section.name)}} opened at \(lineAndColumn(section.start).line)")
                }
                return (nodes, nil)
            case UInt8(ascii: ">"):
                flushText()
                nodes.append(.partial(name: content, indentation: indentation))
            default:  // comments, pragmas
                break
            }
        }
        if let section { throw error(at: section.start, "{{\(section.name)}} is never closed") }
        flushText()
        return (nodes, nil)
    }

    /// The line around a tag, when nothing but blanks shares it: from its start to just past its
    /// line break (or the end).
    private func standaloneLine(tagStart: Int, tagEnd: Int) -> (start: Int, end: Int)? {
        var start = tagStart
        while start > 0 && (bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09) { start -= 1 }
        guard start == 0 || bytes[start - 1] == 0x0A else { return nil }
        var end = tagEnd
        while end < bytes.count && (bytes[end] == 0x20 || bytes[end] == 0x09) { end += 1 }
        if end < bytes.count && bytes[end] == 0x0D { end += 1 }
        if end == bytes.count { return (start, end) }
        guard bytes[end] == 0x0A else { return nil }
        return (start, end + 1)
    }

    private static func path(_ name: String) -> [TemplateName] {
        name == "." ? [] : name.split(separator: ".", omittingEmptySubsequences: false).map { TemplateName(String($0)) }
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard pattern.count <= bytes.count else { return nil }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && bytes[index + 1] == pattern[1] && (pattern.count < 3 || bytes[index + 2] == pattern[2]) {
                return index
            }
            index += 1
        }
        return nil
    }

    private func lineAndColumn(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // Columns in characters: template lines hold accented French text.
        return (line, String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1)
    }

    private func error(at offset: Int, _ message: String) -> TemplateSyntaxError {
        let (line, column) = lineAndColumn(offset)
        return TemplateSyntaxError(line: line, column: column, message: message)
    }
}

private extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
