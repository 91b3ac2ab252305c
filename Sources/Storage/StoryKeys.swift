import Foundation

/// What makes two items one story: the same article (canonical URL), the same vulnerabilities
/// (CVE set), or near-identical titles (word-set Jaccard, found through MinHash bands).
struct StoryKeys: Equatable {
    /// Jaccard similarity of two titles' word sets at and above which they tell the same story.
    /// Chosen on pairs of real headlines (see StoryKeyTests): one event's headline, extended or
    /// re-cased by another source, scores 0.75 and more; two bulletins cut from one template
    /// ("Multiples vulnérabilités dans le noyau Linux de SUSE" / "… d'Ubuntu") reach 0.67.
    static let titleSimilarityThreshold = 0.7
    /// Titles with fewer distinct words than this say too little to be matched on.
    static let minimumTitleWords = 3
    /// MinHash bands of 2 hashes; a candidate must share at least `bandsToConfirm` of them
    /// before its words are read and compared exactly. A pair at Jaccard 0.7 shares a band with
    /// probability 0.49, so 10 bands find it with P(≥ 2 of 10) ≈ 0.987 (0.996 at 0.75), while
    /// pairs that share a single common word are dismissed without a read.
    static let bands = 10
    static let bandsToConfirm = 2
    static let rowsPerBand = 2

    var canonicalURL: String?
    var cveSet: String?
    /// Sorted, distinct hashes of the title's significant words.
    var titleWords: [UInt32]

    init(link: String?, title: String?, cves: [String]) {
        canonicalURL = link.flatMap(Self.canonicalURL)
        let sortedCVEs = Set(cves).sorted()
        cveSet = sortedCVEs.isEmpty ? nil : sortedCVEs.joined(separator: ",")
        titleWords = Self.titleWords(title ?? "")
    }

    /// The band keys under which the title is filed; empty when the title is too short.
    var titleBands: [String] {
        guard titleWords.count >= Self.minimumTitleWords else { return [] }
        let hashCount = Self.bands * Self.rowsPerBand
        var minima = [UInt32](repeating: .max, count: hashCount)
        for word in titleWords {
            for index in 0..<hashCount {
                minima[index] = min(minima[index], Self.mix(word ^ Self.seeds[index]))
            }
        }
        return (0..<Self.bands).map { band in
            let first = minima[band * Self.rowsPerBand], second = minima[band * Self.rowsPerBand + 1]
            return "\(band):\(String(first, radix: 36)).\(String(second, radix: 36))"
        }
    }

    static func titleSimilarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 0 }
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { shared += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    // MARK: Canonical URL

    /// Query parameters that say how a reader arrived, not what they read.
    private static let trackingPrefixes = ["utm_", "pk_", "mtm_", "at_", "matomo_", "hsa_"]
    private static let trackingNames: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "_hsenc", "_hsmi", "xtor", "ref_src", "ref_url", "cmpid", "ncid", "sr_share", "__twitter_impression"]

    /// Scheme-less, lower-case host without "www." or default port, path without trailing
    /// slash, tracking parameters removed and the rest sorted, no fragment. nil for non-web links.
    static func canonicalURL(_ link: String) -> String? {
        guard let components = URLComponents(string: link.trimmingCharacters(in: .whitespaces)),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              var host = components.host?.lowercased(), !host.isEmpty else { return nil }
        if host.hasPrefix("www.") { host.removeFirst(4) }
        if let port = components.port, port != 80 && port != 443 { host += ":\(port)" }
        var path = components.percentEncodedPath
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path == "/" { path = "" }
        let query = (components.percentEncodedQuery ?? "").split(separator: "&")
            .filter { parameter in
                let name = parameter.prefix { $0 != "=" }.lowercased()
                return !name.isEmpty && !trackingNames.contains(name) && !trackingPrefixes.contains { name.hasPrefix($0) }
            }
            .map(String.init)
            .sorted()
        return host + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    // MARK: Title words

    /// Words that carry no story: articles, prepositions, and the like, in French and English.
    private static let stopWords: Set<String> = [
        "the", "and", "for", "with", "from", "into", "over", "after", "its", "are", "was", "has", "have", "new", "how",
        "what", "why", "who", "this", "that", "via", "les", "des", "une", "aux", "par", "pour", "sur", "dans", "avec",
        "est", "sont", "qui", "que", "son", "ses", "leur", "leurs", "plus", "apres", "contre", "entre", "chez", "du",
        "de", "la", "le", "un", "et", "en", "au", "of", "to", "in", "on", "at", "by", "an", "is", "as", "or", "ou"]

    static func titleWords(_ title: String) -> [UInt32] {
        let folded = title.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        var hashes = Set<UInt32>()
        for word in folded.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) where word.count >= 2 {
            let text = String(word)
            guard !stopWords.contains(text) else { continue }
            hashes.insert(fnv32(text))
        }
        return hashes.sorted()
    }

    private static func fnv32(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811c_9dc5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    /// Fixed seeds: the bands must be the same in every run and on every machine.
    private static let seeds: [UInt32] = (0..<UInt32(bands * rowsPerBand)).map { mix($0 &* 0x9e37_79b9 &+ 0x7f4a_7c15) }

    /// murmur3's finaliser: a cheap, well-spread permutation of 32-bit values.
    private static func mix(_ value: UInt32) -> UInt32 {
        var h = value
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }
}
