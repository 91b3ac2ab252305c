/// Finds every rule term in a text in one left-to-right pass over its words: a trie keyed by
/// folded words, longest match at each position, matched words consumed (so a negative
/// "santé financière" masks the positive "santé" inside it). Words are numbered once, when
/// the rules are read; a text's words are looked up by a hash of their folded bytes, so
/// matching makes no String per word.
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
        var children: [Int32: Int] = [:]
        var terminals: [Terminal] = []
    }

    private var nodes: [Node] = [Node()]
    /// The root's children by word number: every word of a text is looked up there first.
    private var rootChildren: [Int] = []
    /// The rules' words, numbered, in an open-addressing table keyed by their FNV hash (the
    /// standard Dictionary would hash the hash again, with SipHash, for every word of a text).
    private var vocabularyBytes: [[UInt8]] = []
    private var slots: [(hash: UInt64, id: Int32)] = Array(repeating: (0, -1), count: 1024)

    private mutating func number(of folded: [UInt8]) -> Int32 {
        if let known = lookup(folded[...]) { return known }
        let id = Int32(vocabularyBytes.count)
        vocabularyBytes.append(folded)
        if vocabularyBytes.count * 2 > slots.count {
            let entries = slots.filter { $0.id >= 0 }
            slots = Array(repeating: (0, -1), count: slots.count * 2)
            for entry in entries { place(entry) }
        }
        place((Self.hash(folded), id))
        return id
    }

    private mutating func place(_ entry: (hash: UInt64, id: Int32)) {
        var slot = Int(truncatingIfNeeded: entry.hash) & (slots.count - 1)
        while slots[slot].id >= 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = entry
    }

    private func lookup(_ folded: ArraySlice<UInt8>) -> Int32? { lookup(folded, hash: Self.hash(folded)) }

    private func lookup(_ folded: ArraySlice<UInt8>, hash: UInt64) -> Int32? {
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot].id >= 0 {
            if slots[slot].hash == hash, vocabularyBytes[Int(slots[slot].id)].elementsEqual(folded) { return slots[slot].id }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private static func startsWithCVSS(_ word: ArraySlice<UInt8>) -> Bool {
        word.count > 4 && word.starts(with: [0x63, 0x76, 0x73, 0x73])
    }

    private func child(of node: Int, _ word: Int32) -> Int? {
        if node == 0 {
            let next = Int(word) < rootChildren.count ? rootChildren[Int(word)] : -1
            return next >= 0 ? next : nil
        }
        return nodes[node].children[word]
    }

    private static func hash<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt64 { WordTokenizer.fnv(bytes) }

    /// Numbers of the words "cve" and "cvss": a text without them has no CVE id or score to
    /// look for, and most texts are spared those scans.
    private var cveWord: Int32 = -1
    private var cvssWord: Int32 = -1

    struct Result {
        var matches: [Match] = []
        var mentionsCVE = false
        var mentionsCVSS = false
    }

    init(rules: [Taxonomy.Rule]) {
        defer {
            cveWord = number(of: Array("cve".utf8))
            cvssWord = number(of: Array("cvss".utf8))
        }
        for (ruleIndex, rule) in rules.enumerated() {
            for term in rule.terms {
                let words = WordTokenizer.words(in: term)
                guard !words.isEmpty else { continue }
                var node = 0
                for word in words {
                    let id = number(of: Array(word.folded.utf8))
                    if let next = child(of: node, id) {
                        node = next
                    } else {
                        nodes.append(Node())
                        if node == 0 {
                            if rootChildren.count <= Int(id) { rootChildren += Array(repeating: -1, count: Int(id) + 1 - rootChildren.count) }
                            rootChildren[Int(id)] = nodes.count - 1
                        } else {
                            nodes[node].children[id] = nodes.count - 1
                        }
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

    func matches(in text: String) -> [Match] { scan(text).matches }

    func scan(_ text: String) -> Result { scan(text, words: WordTokenizer.scan(text)) }

    /// `scan` over words already split: tagging and urgency read the same fields, split once.
    func scan(_ text: String, words scanned: WordTokenizer.ScannedWords) -> Result {
        // Each word of the text: its byte range and its number (-1: in no rule).
        var words: [(range: Range<Int>, id: Int32)] = []
        words.reserveCapacity(scanned.ranges.count)
        var anyKnown = false
        var result = Result()
        for index in scanned.ranges.indices {
            let id = lookup(scanned.folded[scanned.foldedRanges[index]], hash: scanned.hashes[index]) ?? -1
            anyKnown = anyKnown || id >= 0
            if id == cveWord {
                result.mentionsCVE = true
            } else if id == cvssWord || (id < 0 && Self.startsWithCVSS(scanned.folded[scanned.foldedRanges[index]])) {
                result.mentionsCVSS = true  // also "cvss3", "cvssv3" as written in "CVSS3.1", "CVSSv3"
            }
            words.append((scanned.ranges[index], id))
        }
        guard anyKnown else { return result }
        var utf8: [UInt8] = []  // filled only for case-sensitive rules
        var matches: [Match] = []
        var position = 0
        while position < words.count {
            var node = 0
            var best: (ruleIndex: Int, end: Int)?
            var cursor = position
            while cursor < words.count, words[cursor].id >= 0, let next = child(of: node, words[cursor].id) {
                node = next
                cursor += 1
                for terminal in nodes[node].terminals {
                    if let exact = terminal.exactWords {
                        // Case-sensitive rules (acronyms): the text's words, accents removed, as written.
                        if utf8.isEmpty { utf8 = Array(text.utf8) }
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
        result.matches = matches
        return result
    }
}
