/// Finds every rule term in a text in one left-to-right pass over its words: a trie keyed by
/// folded words, longest match at each position, matched words consumed (so a negative
/// "santé financière" masks the positive "santé" inside it).
struct TermMatcher: Sendable {
    struct Match {
        var ruleIndex: Int
        /// Byte offsets in the text's UTF-8.
        var range: Range<Int>
    }

    private struct Terminal: Sendable {
        var ruleIndex: Int
        /// For case-sensitive rules, the unaccented words the text must show exactly.
        var exactWords: [String]?
    }

    private struct Node: Sendable {
        var children: [String: Int] = [:]
        var terminals: [Terminal] = []
    }

    private var nodes: [Node] = [Node()]

    init(rules: [Taxonomy.Rule]) {
        for (ruleIndex, rule) in rules.enumerated() {
            for term in rule.terms {
                let words = WordTokenizer.words(in: term)
                guard !words.isEmpty else { continue }
                var node = 0
                for word in words {
                    if let next = nodes[node].children[word.folded] {
                        node = next
                    } else {
                        nodes.append(Node())
                        nodes[node].children[word.folded] = nodes.count - 1
                        node = nodes.count - 1
                    }
                }
                let termBytes = Array(term.utf8)
                nodes[node].terminals.append(Terminal(
                    ruleIndex: ruleIndex,
                    exactWords: rule.caseSensitive
                        ? words.map { WordTokenizer.unaccented(Substring(String(decoding: termBytes[$0.range], as: UTF8.self))) } : nil))
            }
        }
    }

    func matches(in text: String) -> [Match] {
        let words = WordTokenizer.words(in: text)
        let utf8 = Array(text.utf8)
        var matches: [Match] = []
        var position = 0
        while position < words.count {
            var node = 0
            var best: (ruleIndex: Int, end: Int)?
            var cursor = position
            while cursor < words.count, let next = nodes[node].children[words[cursor].folded] {
                node = next
                cursor += 1
                for terminal in nodes[node].terminals {
                    if let exact = terminal.exactWords {
                        // Case-sensitive rules (acronyms): the text's words, accents removed, as written.
                        let written = words[position..<cursor].map {
                            WordTokenizer.unaccented(Substring(String(decoding: utf8[$0.range], as: UTF8.self)))
                        }
                        guard written == exact else { continue }
                    }
                    best = (terminal.ruleIndex, cursor)
                    break
                }
            }
            if let best {
                matches.append(Match(ruleIndex: best.ruleIndex,
                                     range: words[position].range.lowerBound..<words[best.end - 1].range.upperBound))
                position = best.end
            } else {
                position += 1
            }
        }
        return matches
    }
}
