import Foundation

/// Mistakes refused before the text reaches toml++, which does not report them but stops the
/// process on an assertion (or, built without assertions, goes on with undefined behaviour).
/// Both were found by scripts/fuzz sources-toml and config-toml; both are errors by the TOML
/// 1.0 specification, so a valid document never trips this check.
enum TOMLTextCheck {
    static func check(_ text: String, path: String) throws {
        try checkCharacters(text, path: path)
        try checkTableHeaders(text, path: path)
    }

    /// No control character but tab, line feed and carriage return, anywhere, comments included.
    static func checkCharacters(_ text: String, path: String) throws {
        var line = 1
        var column = 0
        for scalar in text.unicodeScalars {
            column += 1
            switch scalar.value {
            case 0x0A:
                line += 1
                column = 0
            case 0x09, 0x0D:
                continue
            case 0x00...0x1F, 0x7F:
                throw ConfigurationError(file: path, line: line, String(format: "column %d: control character U+%04X (TOML allows none but tab and line ends; write it as an escape in a string)", column, scalar.value))
            default:
                continue
            }
        }
    }

    /// A table header (`[name]`, `[[name]]`) names its table with a bare key (ASCII letters,
    /// digits, `_` and `-`) or a quoted one. Lines inside multi-line strings are not headers.
    static func checkTableHeaders(_ text: String, path: String) throws {
        var openMultiline: [UInt8]? = nil  // the closing delimiter of the multi-line string we are in
        for (index, line) in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            if let delimiter = openMultiline {
                guard let end = find(delimiter, in: rest) else { continue }
                rest = rest[end...]
                openMultiline = nil
            } else {
                let trimmed = rest.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if trimmed.first == UInt8(ascii: "[") {
                    // `[` or `[[` (toml++ allows blanks after each), then the name.
                    var name = trimmed.dropFirst().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                    if name.first == UInt8(ascii: "[") {
                        name = name.dropFirst().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                    }
                    let first = name.first ?? UInt8(ascii: "\n")
                    if !isBareKeyByte(first), first != UInt8(ascii: "\""), first != UInt8(ascii: "'"), first != UInt8(ascii: "]") {
                        throw ConfigurationError(file: path, line: index + 1, "a table name starts with a letter, a digit, _, - or a quote")
                    }
                }
            }
            openMultiline = multilineOpenedAtEnd(rest)
        }
    }

    /// Scans one line outside any string; the closing delimiter of a multi-line string left open.
    private static func multilineOpenedAtEnd(_ line: ArraySlice<UInt8>) -> [UInt8]? {
        var rest = line
        while let byte = rest.first {
            switch byte {
            case UInt8(ascii: "#"):
                return nil
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let triple = [byte, byte, byte]
                if rest.starts(with: triple) {
                    guard let end = find(triple, in: rest.dropFirst(3)) else { return triple }
                    rest = rest[end...]
                } else {
                    rest = rest.dropFirst()
                    // A one-line string: to its closing quote (a basic string's \" does not close it).
                    while let next = rest.first, next != byte {
                        rest = rest.dropFirst(next == UInt8(ascii: "\\") && byte == UInt8(ascii: "\"") ? 2 : 1)
                    }
                    rest = rest.dropFirst()
                }
            default:
                rest = rest.dropFirst()
            }
        }
        return nil
    }

    /// The index just past the first `delimiter` in `bytes` not escaped by a backslash (`"""`)
    /// — a multi-line string may end with up to two more quotes, which belong to its content.
    private static func find(_ delimiter: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if delimiter[0] == UInt8(ascii: "\""), bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index...].starts(with: delimiter) {
                var end = index + delimiter.count
                while end < bytes.endIndex, bytes[end] == delimiter[0], end - index < 5 { end += 1 }
                return end
            }
            index += 1
        }
        return nil
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
