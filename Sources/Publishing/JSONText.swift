/// Compact JSON written straight into text, for the search index that lists every item:
/// `JSONSerialization` (dictionaries of `Any`, keys sorted at each level) took seconds on a
/// large archive. Keys are written in the order given; callers give them sorted.
struct JSONText {
    private(set) var text = ""

    init(capacity: Int = 0) { text.reserveCapacity(capacity) }

    mutating func raw(_ fragment: String) { text += fragment }

    /// A JSON string: quotes, backslashes and control characters escaped; the rest as UTF-8.
    mutating func string(_ value: String) {
        text += "\""
        if value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        } else {
            text += value
        }
        text += "\""
    }

    /// `"key":"value"`, with a comma first unless `first`.
    mutating func member(_ key: String, _ value: String, first: Bool = false) {
        if !first { text += "," }
        string(key)
        text += ":"
        string(value)
    }
}
