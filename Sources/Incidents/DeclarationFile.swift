import Foundation
import Model

/// A mistake in a declarations file: the line (of the record's start) and the field.
public struct DeclarationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var field: String?
    public var message: String

    public var description: String {
        "\(file):\(line): " + (field.map { "\($0): " } ?? "") + message
    }
}

/// Reads a declarations file. Every record is checked; all the mistakes are reported (up to 50),
/// and none is imported unless there are none.
public enum DeclarationFile {
    public static let columns = ["id", "declared_at", "occurred_at", "structure_type", "region", "nature", "category",
                                 "care_disrupted", "health_data_affected", "support_requested", "unavailability_hours",
                                 "cves", "products", "structure_name", "description"]
    static let required: Set<String> = ["id", "declared_at", "structure_type", "region", "nature", "category",
                                        "care_disrupted", "health_data_affected", "support_requested"]
    /// INSEE codes of the French regions (2016), overseas included.
    public static let regions = Set(ObservatoryStatistics.regionNames.keys)
    public static let maxBytes = 64 << 20

    public static func read(_ data: Data, name: String) throws -> [IncidentDeclaration] {
        try read(data, name: name, format: nil)
    }

    /// The two ways a file can be written. JSON Lines when the first record opens with `{`.
    enum Format { case csv, jsonLines }

    /// Reads `data` in `format`, or in the format its first character says when `nil`.
    static func read(_ data: Data, name: String, format: Format?) throws -> [IncidentDeclaration] {
        guard data.count <= maxBytes else {
            throw DeclarationErrors([DeclarationError(file: name, line: 1, field: nil, message: "the file is over \(maxBytes >> 20) MiB")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DeclarationErrors([DeclarationError(file: name, line: 1, field: nil, message: "not UTF-8 text")])
        }
        let trimmed = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        let records: [(line: Int, fields: [String: String])]
        if format == .jsonLines || (format == nil && trimmed.hasPrefix("{")) {
            records = try jsonLines(text, name: name)
        } else {
            records = try csv(text, name: name)
        }
        var errors: [DeclarationError] = []
        var declarations: [IncidentDeclaration] = []
        var seen: [String: Int] = [:]
        for record in records {
            do {
                let declaration = try declaration(record.fields, line: record.line, name: name)
                if let first = seen[declaration.id] {
                    throw DeclarationErrors([DeclarationError(file: name, line: record.line, field: "id", message: "\"\(declaration.id)\" already declared on line \(first)")])
                }
                seen[declaration.id] = record.line
                declarations.append(declaration)
            } catch let found as DeclarationErrors {
                errors += found.errors
                if errors.count >= 50 { break }
            }
        }
        guard errors.isEmpty else { throw DeclarationErrors(errors) }
        guard !declarations.isEmpty else { throw DeclarationErrors([DeclarationError(file: name, line: 1, field: nil, message: "no declaration in the file")]) }
        return declarations
    }

    // MARK: Formats

    /// RFC 4180: a header line, comma-separated fields, quotes around fields that hold commas,
    /// quotes (doubled) or line breaks. The line of a record is where it starts.
    static func csv(_ text: String, name: String) throws -> [(line: Int, fields: [String: String])] {
        var rows: [(line: Int, values: [String])] = []
        var values: [String] = []
        var field = ""
        var quoted = false
        var line = 1, recordLine = 1
        var characters = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let scalar = pending { pending = nil; return scalar }
            return characters.next()
        }
        func endRecord() {
            values.append(field)
            field = ""
            if !(values.count == 1 && values[0].isEmpty) { rows.append((recordLine, values)) }
            values = []
        }
        while let scalar = next() {
            if quoted {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = following }
                    } else { quoted = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",": values.append(field); field = ""
            case "\r": continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            case "\u{FEFF}" where rows.isEmpty && values.isEmpty && field.isEmpty: continue
            default: field.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw DeclarationErrors([DeclarationError(file: name, line: recordLine, field: nil, message: "a quoted field is not closed")]) }
        if !field.isEmpty || !values.isEmpty { endRecord() }
        guard let header = rows.first else { throw DeclarationErrors([DeclarationError(file: name, line: 1, field: nil, message: "empty file")]) }
        let names = header.values.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var errors: [DeclarationError] = []
        for column in names where !columns.contains(column) {
            errors.append(DeclarationError(file: name, line: 1, field: column, message: "unknown column (expected: \(columns.joined(separator: ", ")))"))
        }
        for column in required.subtracting(names).sorted() {
            errors.append(DeclarationError(file: name, line: 1, field: column, message: "required column missing"))
        }
        if Set(names).count != names.count { errors.append(DeclarationError(file: name, line: 1, field: nil, message: "a column is named twice")) }
        guard errors.isEmpty else { throw DeclarationErrors(errors) }
        return try rows.dropFirst().map { row in
            guard row.values.count == names.count else {
                throw DeclarationErrors([DeclarationError(file: name, line: row.line, field: nil,
                                        message: "\(row.values.count) fields where the header has \(names.count)")])
            }
            return (row.line, Dictionary(uniqueKeysWithValues: zip(names, row.values)))
        }
    }

    /// One JSON object a line, with the CSV's keys (booleans and numbers may be JSON's own;
    /// cves and products may be arrays).
    static func jsonLines(_ text: String, name: String) throws -> [(line: Int, fields: [String: String])] {
        var records: [(line: Int, fields: [String: String])] = []
        var errors: [DeclarationError] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                errors.append(DeclarationError(file: name, line: index + 1, field: nil, message: "not a JSON object"))
                continue
            }
            var fields: [String: String] = [:]
            for (key, value) in object {
                guard columns.contains(key) else {
                    errors.append(DeclarationError(file: name, line: index + 1, field: key, message: "unknown key"))
                    continue
                }
                switch value {
                case let text as String: fields[key] = text
                case let list as [Any]: fields[key] = list.map { "\($0)" }.joined(separator: ";")
                case is NSNull: fields[key] = ""
                case let number as NSNumber:
                    if ["care_disrupted", "health_data_affected", "support_requested"].contains(key) {
                        fields[key] = number.boolValue ? "true" : "false"
                    } else {
                        fields[key] = number.stringValue
                    }
                default: errors.append(DeclarationError(file: name, line: index + 1, field: key, message: "unexpected value"))
                }
            }
            records.append((index + 1, fields))
        }
        guard errors.isEmpty else { throw DeclarationErrors(errors) }
        return records
    }

    // MARK: Fields

    static func declaration(_ fields: [String: String], line: Int, name: String) throws -> IncidentDeclaration {
        var errors: [DeclarationError] = []
        func fail(_ field: String, _ message: String) { errors.append(DeclarationError(file: name, line: line, field: field, message: message)) }
        func value(_ key: String) -> String? {
            let text = fields[key]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            return text.isEmpty ? nil : text
        }
        func required(_ key: String) -> String? {
            guard let text = value(key) else { fail(key, "required, empty"); return nil }
            return text
        }
        // A NUL would cut the text short where C reads it (SQLite, logs), and other controls
        // (escape sequences, bidirectional overrides) hide what a field says: refused, named.
        for key in fields.keys.sorted() {
            if let control = fields[key]!.unicodeScalars.first(where: { InvisibleCharacters.isControlOrFormat($0) && !["\t", "\n", "\r"].contains($0) }) {
                fail(key, String(format: "holds the control character U+%04X, which a declaration never needs", control.value))
            }
        }
        func boolean(_ key: String) -> Bool {
            guard let text = required(key) else { return false }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: fail(key, "\"\(text.prefix(20))\" is not true or false"); return false
            }
        }
        func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) -> T? where T.RawValue == String {
            guard let text = required(key) else { return nil }
            if let exact = T(rawValue: text) { return exact }
            if let folded = T.allCases.first(where: { $0.rawValue.compare(text, options: [.caseInsensitive, .diacriticInsensitive]) == .orderedSame }) {
                return folded
            }
            fail(key, "\"\(text.prefix(40))\" is not one of: " + T.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        let id = required("id") ?? ""
        if !id.isEmpty, !(id.count <= 64 && id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })) {
            fail("id", "\"\(id.prefix(40))\" must be 1 to 64 characters among A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        let declared = required("declared_at").flatMap { text -> Date? in
            guard let date = IncidentDate.parse(text) else { fail("declared_at", "\"\(text.prefix(40))\" is not an ISO 8601 date"); return nil }
            return date
        }
        let occurred = value("occurred_at").flatMap { text -> Date? in
            guard let date = IncidentDate.parse(text) else { fail("occurred_at", "\"\(text.prefix(40))\" is not an ISO 8601 date"); return nil }
            return date
        }
        if let declared, let occurred, occurred > declared.addingTimeInterval(86_400) {
            fail("occurred_at", "after declared_at")
        }
        let structure = choice("structure_type", StructureType.self)
        let region = required("region")
        if let region, !regions.contains(region) { fail("region", "\"\(region.prefix(10))\" is not an INSEE region code (\(regions.sorted().joined(separator: ", ")))") }
        let nature = choice("nature", IncidentNature.self)
        let category = choice("category", IncidentCategory.self)
        let care = boolean("care_disrupted"), data = boolean("health_data_affected"), support = boolean("support_requested")
        let hours = value("unavailability_hours").flatMap { text -> Double? in
            guard let hours = Double(text.replacingOccurrences(of: ",", with: ".")), hours >= 0, hours < 24 * 366 else {
                fail("unavailability_hours", "\"\(text.prefix(20))\" is not a number of hours"); return nil
            }
            return hours
        }
        let cves = (value("cves") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty }
        for cve in cves where CVEIdentifier.normalized(cve) == nil { fail("cves", "\"\(cve.prefix(30))\" is not a CVE id") }
        let products = (value("products") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Bounds on free text: a declaration is a form, not a document store.
        if cves.count > 100 { fail("cves", "\(cves.count) CVE ids, at most 100") }
        if products.count > 50 || products.contains(where: { $0.count > 200 }) { fail("products", "at most 50 products of 200 characters") }
        if (value("structure_name")?.count ?? 0) > 300 { fail("structure_name", "over 300 characters") }
        if (value("description")?.count ?? 0) > 20_000 { fail("description", "over 20,000 characters") }
        guard errors.isEmpty, let declared, let structure, let region, let nature, let category else { throw DeclarationErrors(errors) }
        return IncidentDeclaration(
            id: id, declaredAt: declared, occurredAt: occurred, structureType: structure, region: region, nature: nature,
            category: category, careDisrupted: care, healthDataAffected: data, supportRequested: support, unavailabilityHours: hours,
            cves: cves, products: products, structureName: value("structure_name"), description: value("description"))
    }
}

/// Every mistake found in a file, in order.
public struct DeclarationErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [DeclarationError]
    public init(_ errors: [DeclarationError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Dates of declarations: `2026-03-04`, `2026-03-04T10:30`, `2026-03-04T10:30:00Z`, with an offset.
enum IncidentDate {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: "T", maxSplits: 1)
        let day = parts[0].split(separator: "-")
        guard day.count == 3, let year = Int(day[0]), let month = Int(day[1]), let dayOfMonth = Int(day[2]),
              day[0].count == 4, (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        var seconds = 0, offset = 0
        if parts.count == 2 {
            var time = String(parts[1])
            if time.hasSuffix("Z") { time.removeLast() } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                let zone = time[time.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
                guard (1...2).contains(zone.count), let hours = Int(zone[0]), (0...14).contains(hours),
                      let minutes = zone.count > 1 ? Int(zone[1]) : 0, (0..<60).contains(minutes) else { return nil }
                offset = (hours * 3600 + minutes * 60) * (time[sign] == "-" ? -1 : 1)
                time = String(time[..<sign])
            }
            // Whole hours and minutes, seconds with an optional fraction: never a number such as
            // 1e300 (a fuzzed file's seconds trapped the conversion to Int: scripts/fuzz incidents-jsonl).
            let clock = time.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(clock.count), let hour = Int(clock[0]), let minute = Int(clock[1]),
                  (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
            var second = 0
            if clock.count == 3 {
                let whole = clock[2].prefix { $0 != "." }
                guard whole.count == 2, let value = Int(whole), (0...60).contains(value),
                      clock[2].dropFirst(2).dropFirst().allSatisfy(\.isASCIIDigitCharacter) else { return nil }
                second = value
            }
            seconds = hour * 3600 + minute * 60 + second
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = dayOfMonth
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == dayOfMonth else { return nil }
        return date.addingTimeInterval(TimeInterval(seconds - offset))
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
