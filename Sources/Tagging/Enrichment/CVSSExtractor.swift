/// CVSS base scores as sources write them in prose: "CVSS v3.1 base score of 9.8",
/// "(CVSS score: 9.8)", "CVSS v4 9.3", "score CVSS de 9,8". Vector strings
/// ("CVSS:3.1/AV:N/…") carry no score and are passed over.
public enum CVSSExtractor {
    /// The highest score given in `text`, if any.
    public static func highestScore(in text: String) -> Double? {
        let bytes = Array(text.utf8)
        var best: Double?
        var index = 0
        while let found = find(bytes, from: index) {
            index = found + 4
            var cursor = index
            // The version, if any: "v3", "v3.1", " 3.1", ":3.1" (a vector follows a ':').
            var probe = cursor
            while probe < bytes.count, bytes[probe] == 0x20 { probe += 1 }
            if probe < bytes.count, bytes[probe] == UInt8(ascii: ":") { continue }  // vector string
            if probe < bytes.count, bytes[probe] | 0x20 == UInt8(ascii: "v") {
                probe += 1
                while probe < bytes.count, isDigit(bytes[probe]) || bytes[probe] == UInt8(ascii: ".") { probe += 1 }
                cursor = probe
            }
            // The score: the first number with one decimal within the next 40 bytes, unless it is
            // a bare version ("CVSS 3.1 base score 9.8") and another number follows.
            let end = min(bytes.count, cursor + 40)
            var found: [Double] = []
            while cursor < end && found.count < 2 {
                if isDigit(bytes[cursor]), cursor == 0 || !isDigit(bytes[cursor - 1]),
                   let score = number(bytes, at: cursor), (0...10).contains(score) {
                    found.append(score)
                    cursor += 3
                    continue
                }
                cursor += 1
            }
            if let first = found.first {
                let score = found.count == 2 && Self.versions.contains(first) ? found[1] : first
                best = max(best ?? 0, score)
            }
        }
        return best
    }

    /// CVSS versions, as sources write them before the score.
    private static let versions: Set<Double> = [2.0, 3.0, 3.1, 4.0]

    private static func find(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 4 <= bytes.count {
            if bytes[index] | 0x20 == UInt8(ascii: "c"), bytes[index + 1] | 0x20 == UInt8(ascii: "v"),
               bytes[index + 2] | 0x20 == UInt8(ascii: "s"), bytes[index + 3] | 0x20 == UInt8(ascii: "s"),
               index == 0 || !isLetter(bytes[index - 1]),
               // Not inside a word; "CVSS3.1" and "CVSSv3" pass: a digit, or "v" and a digit, may follow.
               index + 4 == bytes.count || !isLetter(bytes[index + 4])
                || (bytes[index + 4] | 0x20 == UInt8(ascii: "v") && index + 5 < bytes.count && isDigit(bytes[index + 5])) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// "9.8", "9,8" or "10.0" at `index`; nil for integers ("3 vulnerabilities") or longer decimals.
    private static func number(_ bytes: [UInt8], at index: Int) -> Double? {
        var cursor = index
        while cursor < bytes.count, isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor - index <= 2, cursor + 1 < bytes.count, bytes[cursor] == UInt8(ascii: ".") || bytes[cursor] == UInt8(ascii: ","),
              isDigit(bytes[cursor + 1]), cursor + 2 == bytes.count || !isDigit(bytes[cursor + 2]) else { return nil }
        let whole = Double(String(decoding: bytes[index..<cursor], as: UTF8.self)) ?? 0
        return whole + Double(bytes[cursor + 1] - 0x30) / 10
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
