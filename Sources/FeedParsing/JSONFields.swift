import Foundation

/// Typed reads from a decoded JSON object that remember where they are, so that a missing or
/// ill-typed field is reported by its JSON pointer (`/document/tracking/id`).
struct JSONFields {
    let object: [String: Any]
    let pointer: String
    /// Names the dialect in errors ("CSAF", "CERT-FR").
    let dialect: String

    init(_ object: [String: Any], pointer: String = "", dialect: String) {
        self.object = object
        self.pointer = pointer
        self.dialect = dialect
    }

    func path(_ key: String) -> String { pointer + "/" + key }

    func invalid(_ key: String, _ problem: String) -> FeedParseError {
        FeedParseError(.invalidDocument, "\(dialect): \(problem) \(path(key))")
    }

    /// A required, non-empty string.
    func string(_ key: String) throws -> String {
        guard let raw = object[key] else { throw invalid(key, "missing required field") }
        guard let text = raw as? String else { throw invalid(key, "expected a string at") }
        guard let value = FieldReading.nonEmpty(text) else { throw invalid(key, "empty required field") }
        return value
    }

    func optionalString(_ key: String) -> String? {
        FieldReading.nonEmpty(object[key] as? String)
    }

    /// A required object.
    func object(_ key: String) throws -> JSONFields {
        guard let raw = object[key] else { throw invalid(key, "missing required field") }
        guard let child = raw as? [String: Any] else { throw invalid(key, "expected an object at") }
        return JSONFields(child, pointer: path(key), dialect: dialect)
    }

    func optionalObject(_ key: String) -> JSONFields? {
        (object[key] as? [String: Any]).map { JSONFields($0, pointer: path(key), dialect: dialect) }
    }

    /// The objects of an optional array; other elements are skipped.
    func objects(_ key: String) -> [JSONFields] {
        guard let array = object[key] as? [Any] else { return [] }
        return array.enumerated().compactMap { index, element in
            (element as? [String: Any]).map { JSONFields($0, pointer: path(key) + "/\(index)", dialect: dialect) }
        }
    }

    /// A required array of objects, with at least one element.
    func requiredObjects(_ key: String) throws -> [JSONFields] {
        guard let raw = object[key] else { throw invalid(key, "missing required field") }
        guard raw is [Any] else { throw invalid(key, "expected an array at") }
        let elements = objects(key)
        guard !elements.isEmpty else { throw invalid(key, "empty required array") }
        return elements
    }

    func number(_ key: String) -> Double? {
        (object[key] as? NSNumber)?.doubleValue
    }

    /// A required date (ISO 8601, as every JSON advisory format writes them).
    func date(_ key: String) throws -> Date {
        let text = try string(key)
        guard let date = DateParser.parse(text) else { throw invalid(key, "not a date (\"\(text.prefix(40))\") at") }
        return date
    }

    func optionalDate(_ key: String) -> Date? {
        optionalString(key).flatMap(DateParser.parse)
    }
}
