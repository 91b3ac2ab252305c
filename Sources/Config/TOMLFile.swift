import Foundation

/// A TOML file read for configuration, with typed accessors whose errors name the file and the
/// line of the table being read. Shared by every file format of cyberveille written in TOML.
public struct TOMLFile: Sendable {
    public let path: String
    private let root: TOMLNode.Table
    private let lines: [Substring]
    private let arrayHeaderLines: [String: [Int]]

    public init(path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, "cannot read the file (\(Self.reason(error)))")
        }
        try self.init(path: path, text: text)
    }

    public init(path: String, text: String) throws {
        self.path = path
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        self.arrayHeaderLines = Self.arrayHeaders(lines)
        try TOMLTextCheck.checkCharacters(text, path: path)
        do {
            root = try TOMLParser.parse(text)
        } catch let error as TOMLParser.SyntaxError {
            throw ConfigurationError(file: path, line: error.line, "column \(error.column): \(error.message)")
        }
    }

    /// Line of the `index`-th `[[name]]` header, for error messages about array-of-tables entries.
    public func lineOfArrayEntry(_ name: String, index: Int) -> Int? {
        let lines = arrayHeaderLines[name] ?? []
        return index < lines.count ? lines[index] : nil
    }

    /// The 1-based line of every `[[name]]` header, by name, found in one pass.
    private static func arrayHeaders(_ lines: [Substring]) -> [String: [Int]] {
        var headers: [String: [Int]] = [:]
        for (number, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("[["), let close = trimmed.range(of: "]]") else { continue }
            let name = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            headers[name, default: []].append(number + 1)
        }
        return headers
    }

    /// The entries of an array of tables (`[[name]]`), each with its line.
    public func entries(_ name: String) throws -> [TOMLEntry] {
        guard let value = root[name] else { return [] }
        guard case .array(let array) = value else {
            throw ConfigurationError(file: path, "`\(name)` must be an array of tables ([[\(name)]])")
        }
        return try array.enumerated().map { index, element in
            let line = lineOfArrayEntry(name, index: index)
            guard case .table(let table) = element else {
                throw ConfigurationError(file: path, line: line, "entry \(index + 1) of `\(name)` is not a table")
            }
            return TOMLEntry(file: path, line: line, table: table)
        }
    }

    /// A top-level table (`[name]`), empty when absent.
    public func table(_ name: String) throws -> TOMLEntry {
        guard let value = root[name] else { return TOMLEntry(file: path, line: nil, table: TOMLNode.Table()) }
        guard case .table(let table) = value else { throw ConfigurationError(file: path, "`\(name)` must be a table") }
        let line = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[\(name)]") }.map { $0 + 1 }
        return TOMLEntry(file: path, line: line, table: table)
    }

    public var rootEntry: TOMLEntry { TOMLEntry(file: path, line: nil, table: root) }

    static func reason(_ error: Error) -> String {
        if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return String(cString: strerror(underlying.code.rawValue))
        }
        if (error as? CocoaError)?.code == .fileReadNoSuchFile { return "no such file" }
        return error.localizedDescription
    }
}

/// One TOML table with typed accessors.
public struct TOMLEntry: Sendable {
    public let file: String
    public let line: Int?
    let table: TOMLNode.Table

    public func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, message)
    }

    public func string(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard case .string(let string) = value else { throw error("`\(key)` must be a string") }
        return string
    }

    public func requiredString(_ key: String) throws -> String {
        guard let value = try string(key), !value.isEmpty else { throw error("`\(key)` is missing") }
        return value
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let value = table[key] else { return nil }
        guard case .bool(let bool) = value else { throw error("`\(key)` must be true or false") }
        return bool
    }

    public func int(_ key: String) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard case .int(let int) = value else { throw error("`\(key)` must be an integer") }
        return int
    }

    public func double(_ key: String) throws -> Double? {
        switch table[key] {
        case nil: return nil
        case .double(let double)?: return double
        case .int(let int)?: return Double(int)
        default: throw error("`\(key)` must be a number")
        }
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard case .array(let array) = value else { throw error("`\(key)` must be an array of strings") }
        return try array.map {
            guard case .string(let s) = $0 else { throw error("`\(key)` must be an array of strings") }
            return s
        }
    }

    /// Every key of the table, each a string (a flat table such as a locale file).
    public func stringTable() throws -> [String: String] {
        var values: [String: String] = [:]
        for key in table.keys { values[key] = try string(key) }
        return values
    }

    /// Rejects keys the format does not define: a typo must not be silently ignored.
    public func checkKeys(_ allowed: Set<String>) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw error("unknown key `\(key)` (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// A TOML value as plain Swift data.
indirect enum TOMLNode: Sendable, Equatable {
    typealias Table = [String: TOMLNode]

    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// Dates and times, as TOML writes them; no configuration key reads one yet.
    case other(String)
    case array([TOMLNode])
    case table(Table)

}
