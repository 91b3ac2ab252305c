import Foundation

/// What TOML forbids anywhere in a file, checked before reading it, with the exact place.
enum TOMLTextCheck {
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
}
