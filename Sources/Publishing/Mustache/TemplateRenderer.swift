/// Renders parsed templates against a stack of `TemplateValue`s, into UTF-8.
struct TemplateRenderer {
    let templates: [String: Template]
    /// How `{{name}}` values are written (HTML and XML alike, here).
    let escape: (String, inout [UInt8]) -> Void

    func render(_ name: String, context: TemplateValue) -> [UInt8]? {
        guard let template = templates[name] else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(16_384)
        var state = State(stack: [context])
        render(template.nodes, into: &output, state: &state)
        return output
    }

    private struct State {
        var stack: [TemplateValue]
        /// Blocks given by the children being rendered through their parents; the most derived
        /// child's block wins.
        var blocks: [String: [Template.Node]] = [:]
        /// Partials, parents and blocks being rendered, against runaway recursion.
        var depth = 0
        /// Put before each line of a standalone partial's own text (not inside values).
        var indentation: [UInt8] = []
        var atLineStart = false
    }

    private static let maximumDepth = 64

    private func render(_ nodes: [Template.Node], into output: inout [UInt8], state: inout State) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                if state.indentation.isEmpty {
                    output.append(contentsOf: bytes)
                } else {
                    writeIndented(bytes, into: &output, state: &state)
                }
            case .variable(let path, let escaped):
                guard let value = lookup(path, in: state.stack) else { continue }
                startLine(&output, state: &state)
                write(value, escaped: escaped, into: &output)
            case .section(let path, let inverted, let children):
                let value = lookup(path, in: state.stack)
                if inverted {
                    if !Self.isTruthy(value) { render(children, into: &output, state: &state) }
                    continue
                }
                switch value {
                case nil, .bool(false)?: break
                case .bool(true)?: render(children, into: &output, state: &state)
                case .list(let elements)?:
                    for element in elements {
                        state.stack.append(element)
                        render(children, into: &output, state: &state)
                        state.stack.removeLast()
                    }
                case let value?:
                    state.stack.append(value)
                    render(children, into: &output, state: &state)
                    state.stack.removeLast()
                }
            case .partial(let name, let indentation):
                guard let partial = templates[name], state.depth < Self.maximumDepth else { continue }
                let (savedIndentation, savedLineStart) = (state.indentation, state.atLineStart)
                state.depth += 1
                if !indentation.isEmpty {
                    state.indentation += indentation
                    state.atLineStart = true
                }
                render(partial.nodes, into: &output, state: &state)
                state.depth -= 1
                (state.indentation, state.atLineStart) = (savedIndentation, savedLineStart)
            case .parent(let name, let blocks):
                guard let parent = templates[name], state.depth < Self.maximumDepth else { continue }
                let saved = state.blocks
                state.blocks.merge(blocks) { derived, _ in derived }
                state.depth += 1
                render(parent.nodes, into: &output, state: &state)
                state.depth -= 1
                state.blocks = saved
            case .block(let name, let children):
                guard state.depth < Self.maximumDepth else { continue }
                state.depth += 1
                if let override = state.blocks[name] {
                    // A block written inside its own override shows its default, not the override again.
                    let saved = state.blocks
                    state.blocks[name] = nil
                    render(override, into: &output, state: &state)
                    state.blocks = saved
                } else {
                    render(children, into: &output, state: &state)
                }
                state.depth -= 1
            }
        }
    }

    /// `a.b.c`: `a` is looked for from the top of the stack down, then `b` in it, `c` in that.
    private func lookup(_ path: [TemplateName], in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = path.first else { return stack.last }
        var found: TemplateValue?
        var index = stack.count - 1
        while index >= 0 {  // by index: no copy of each value passed over
            if let child = stack[index].child(named: first) {
                found = child
                break
            }
            index -= 1
        }
        for name in path.dropFirst() {
            found = found?.child(named: name)
        }
        return found
    }

    private static func isTruthy(_ value: TemplateValue?) -> Bool {
        switch value {
        case nil, .bool(false)?: return false
        case .list(let elements)?: return !elements.isEmpty
        default: return true
        }
    }

    private func write(_ value: TemplateValue, escaped: Bool, into output: inout [UInt8]) {
        let text: String
        switch value {
        case .string(let string): text = string
        case .bool(let bool): text = bool ? "true" : "false"
        case .int(let int): text = String(int)
        case .double(let double): text = String(double)
        case .list, .object, .strings, .dictionary: return
        }
        if escaped { escape(text, &output) } else { output.append(contentsOf: text.utf8) }
    }

    /// A standalone partial's text, each of its lines indented as the partial's tag was.
    private func writeIndented(_ text: [UInt8], into output: inout [UInt8], state: inout State) {
        var start = 0
        while start < text.count {
            let end = text[start...].firstIndex(of: 0x0A) ?? text.count
            if end > start {
                startLine(&output, state: &state)
                output.append(contentsOf: text[start..<end])
            }
            if end < text.count {
                output.append(0x0A)
                state.atLineStart = true
            }
            start = end + 1
        }
    }

    private func startLine(_ output: inout [UInt8], state: inout State) {
        guard state.atLineStart else { return }
        output.append(contentsOf: state.indentation)
        state.atLineStart = false
    }
}
