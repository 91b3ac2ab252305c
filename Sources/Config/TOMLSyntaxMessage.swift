/// toml++'s syntax errors in the words of someone editing a configuration file: what is wrong
/// and what to write. Unknown messages keep toml++'s own words.
enum TOMLSyntaxMessage {
    static func plain(_ message: String) -> String {
        let detail = message.range(of: ": ").map { String(message[$0.upperBound...]) } ?? message
        let endOfLine = detail.contains("saw '\n'") || detail.contains("control characters")
        switch true {
        case message.hasPrefix("Error while parsing string") && endOfLine,
             message.hasPrefix("Error while parsing literal string") && endOfLine:
            let quote = message.hasPrefix("Error while parsing literal") ? "'" : "\""
            return "a string is not closed: \(quote) missing before the end of the line (a string on several lines is written between \(quote)\(quote)\(quote))"
        case detail.contains("encountered end-of-file"):
            return "the file ends inside " + Self.thing(message) + ": a closing ], }, \" or ' is missing"
        case message.hasPrefix("Error while parsing key-value pair") && detail.hasPrefix("expected value"):
            return "a key without a value: write `key = value` (text in quotes)"
        case message.hasPrefix("Error while parsing table header") && detail.contains("expected ']'"):
            return "a table header is not closed: ] missing"
        case detail.hasPrefix("cannot redefine existing"):
            let name = detail.split(separator: "'").dropFirst().first.map(String.init) ?? "a key"
            return "`\(name)` is given twice: keep one"
        case message.hasPrefix("Error while parsing boolean"):
            return "true or false expected (lower case, no quotes)"
        case message.hasPrefix("Error while parsing key-value pair") && detail.hasPrefix("expected '='"):
            return "`=` expected after the key: write `key = value`"
        default:
            return message.replacingOccurrences(of: "\n", with: "\\n")
        }
    }

    private static func thing(_ message: String) -> String {
        for (prefix, name) in [("Error while parsing array", "a list [ … ]"), ("Error while parsing inline table", "a table { … }"),
                               ("Error while parsing string", "a string"), ("Error while parsing literal string", "a string")]
        where message.hasPrefix(prefix) { return name }
        return "a value"
    }
}
