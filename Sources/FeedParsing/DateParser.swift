import Foundation
import Model

/// Reads the dates found in feeds: RFC 822/2822 (with named and military zones, French and
/// German month and day names, missing seconds, two-digit years), RFC 3339 and W3CDTF (down to
/// a bare year). An impossible date (31 February, hour 25) is rejected, never adjusted.
enum DateParser {
    static func parse(_ raw: String) -> Date? {
        let text = ByteText.trimmed(raw)
        guard let first = text.unicodeScalars.first else { return nil }
        let isDigit = first.isASCII ? (0x30...0x39).contains(first.value) : first.properties.numericType != nil
        if isDigit, let date = parseISO(text) { return date }
        return parseRFC822(text)
    }

    // MARK: - ISO 8601 / RFC 3339 / W3CDTF

    static func parseISO(_ text: String) -> Date? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(digits: 4) else { return nil }
        var month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var fraction = 0.0
        var offset: Int64 = 0
        if scanner.skip("-") {
            guard let m = scanner.number(digits: 2) else { return nil }
            month = m
            if scanner.skip("-") {
                guard let d = scanner.number(digits: 2) else { return nil }
                day = d
            }
        } else if let m = scanner.number(digits: 2) {  // basic format 20240102
            month = m
            guard let d = scanner.number(digits: 2) else { return nil }
            day = d
        }
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2) else { return nil }
            hour = h
            _ = scanner.skip(":")
            guard let mi = scanner.number(digits: 2) else { return nil }
            minute = mi
            if scanner.skip(":") || scanner.peekDigit {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = s
                if scanner.skip(".") || scanner.skip(",") {
                    fraction = scanner.fraction()
                }
            }
            scanner.skipSpaces()
            if scanner.skip("Z") || scanner.skip("z") {
                offset = 0
            } else if let sign = scanner.sign() {
                guard let oh = scanner.number(digits: 2) else { return nil }
                _ = scanner.skip(":")
                let om = scanner.number(digits: 2) ?? 0
                guard oh <= 23, om <= 59 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else if !scanner.atEnd {
                let zone = ByteText.trimmed(scanner.rest)
                guard let zoneOffset = TimeZones.offset(named: zone) else { return nil }
                offset = zoneOffset
                scanner.finish()
            }
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { return nil }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                    fraction: fraction, offset: offset)
    }

    // MARK: - RFC 822 and the broken forms of the wild

    static func parseRFC822(_ text: String) -> Date? {
        // Tokens: words, numbers, times, zones. "Tue, 10 Jun 2003 04:00:00 GMT", "10 juin 2003 4:00",
        // "Tuesday, June 10, 2003 04:00 PM EST", "Di, 10 Jun 03 04:00:00 +0200". Read as bytes:
        // this runs once or twice per item.
        let bytes = Array(text.utf8)
        let tokens = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        var day: Int64?, month: Int64?, year: Int64?
        var monthIsAmbiguous = false  // "mar" is March, and mardi
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
        var offset: Int64 = 0
        var sawTime = false
        var meridiem: UInt8 = 0  // a or p
        for token in tokens {
            guard let first = token.first else { continue }
            if isDigit(first), token.contains(0x3A) {  // 04:00[:00[.000]]
                guard !sawTime else { return nil }
                let parts = token.split(separator: 0x3A, omittingEmptySubsequences: false)
                guard parts.count == 2 || parts.count == 3, let h = number(parts[0]), let m = number(parts[1]) else { return nil }
                hour = h
                minute = m
                if parts.count == 3 {
                    guard let s = number(parts[2].prefix { $0 != 0x2E }) else { return nil }
                    second = s
                }
                sawTime = true
            } else if first == 0x2B || first == 0x2D {  // + or -
                guard let zone = zoneOffset(String(decoding: token, as: UTF8.self)) else { return nil }
                offset = zone
            } else if let value = number(token) {
                if token.count == 4, year == nil, day != nil || month != nil {
                    year = value
                } else if day == nil, token.count <= 2 {
                    day = value
                } else if year == nil {
                    year = token.count <= 2 ? (value < 50 ? 2000 + value : 1900 + value) : value
                } else {
                    return nil
                }
            } else if isDigit(first) {
                // Ordinals: "1er", "2nd", "3rd", "4th".
                let digits = token.prefix(while: isDigit)
                let suffix = lowercaseWord(token.dropFirst(digits.count))
                guard ["er", "re", "st", "nd", "rd", "th"].contains(suffix), let value = number(digits), day == nil else { return nil }
                day = value
            } else {
                let word = lowercaseWord(token)
                if word == "am" || word == "pm" {
                    meridiem = word.utf8.first ?? 0
                } else if let m = MonthNames.number(word) {
                    if month == nil {
                        month = m
                        monthIsAmbiguous = MonthNames.isDayName(word)
                    } else if monthIsAmbiguous {
                        month = m  // the first word was a day name after all
                        monthIsAmbiguous = false
                    } else {
                        return nil
                    }
                } else if MonthNames.isDayName(word) {
                    continue
                } else if sawTime, let zone = TimeZones.offset(named: String(decoding: token, as: UTF8.self)) {
                    offset = zone
                } else {
                    return nil
                }
            }
        }
        guard let day, let month, let year else { return nil }
        if meridiem != 0 {
            guard hour >= 1, hour <= 12 else { return nil }
            if meridiem == UInt8(ascii: "p"), hour < 12 { hour += 12 }
            if meridiem == UInt8(ascii: "a"), hour == 12 { hour = 0 }
        }
        return make(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                    fraction: 0, offset: offset)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The value of a run of 1 to 9 ASCII digits.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        var value: Int64 = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    /// The token lower-cased (ASCII letters only; accented ones are kept), without surrounding dots.
    private static func lowercaseWord(_ token: ArraySlice<UInt8>) -> String {
        var trimmed = token
        while trimmed.first == 0x2E { trimmed = trimmed.dropFirst() }
        while trimmed.last == 0x2E { trimmed = trimmed.dropLast() }
        // ASCII by hand (the common case), then the accented capitals of "Déc." or "AOÛT".
        let ascii = String(decoding: trimmed.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return trimmed.allSatisfy { $0 < 0x80 } ? ascii : ascii.lowercased()
    }

    private static func zoneOffset(_ token: String) -> Int64? {
        if let sign = token.first, sign == "+" || sign == "-" {
            let digits = token.dropFirst().filter { $0 != ":" }
            guard digits.allSatisfy(\.isNumber), digits.count == 4 || digits.count == 2,
                  let value = Int64(digits) else { return nil }
            let hours = digits.count == 4 ? value / 100 : value
            let minutes = digits.count == 4 ? value % 100 : 0
            guard hours <= 23, minutes <= 59 else { return nil }
            return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        return TimeZones.offset(named: token)
    }

    static func make(
        year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, fraction: Double,
        offset: Int64
    ) -> Date? {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month),
              (0...24).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        if hour == 24, minute != 0 || second != 0 { return nil }
        let days = CivilCalendar.days(fromYear: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

enum MonthNames {
    private static let months: [String: Int64] = {
        var table: [String: Int64] = [:]
        let names: [[String]] = [
            ["jan", "january", "janv", "janvier", "januar", "jän", "jänner"],
            ["feb", "february", "fév", "fev", "févr", "fevr", "février", "fevrier", "februar"],
            ["mar", "march", "mars", "mär", "märz", "maerz"],
            ["apr", "april", "avr", "avril"],
            ["may", "mai"],
            ["jun", "june", "juin", "juni"],
            ["jul", "july", "juil", "juillet", "juli"],
            ["aug", "august", "aoû", "aou", "août", "aout"],
            ["sep", "sept", "september", "septembre"],
            ["oct", "october", "octobre", "okt", "oktober"],
            ["nov", "november", "novembre"],
            ["dec", "december", "déc", "décembre", "decembre", "dez", "dezember"],
        ]
        for (index, group) in names.enumerated() {
            for name in group { table[name] = Int64(index + 1) }
        }
        return table
    }()

    private static let dayNames: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "lundi", "mardi",
        "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "mo", "di", "mi", "do", "fr", "sa", "so",
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "tues", "thur", "thurs",
    ]

    static func number(_ lowercased: String) -> Int64? { months[lowercased] }
    static func isDayName(_ lowercased: String) -> Bool { dayNames.contains(lowercased) }
}

enum TimeZones {
    private static let named: [String: Int64] = [
        "GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "WET": 0, "BST": 3600, "IST": 3600, "CET": 3600, "MET": 3600,
        "MEZ": 3600, "WEST": 3600, "CEST": 7200, "MEST": 7200, "MESZ": 7200, "EET": 7200, "EEST": 10800,
        "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
        "PST": -28800, "PDT": -25200, "AKST": -32400, "AKDT": -28800, "HST": -36000, "JST": 32400,
        "KST": 32400, "AEST": 36000, "AEDT": 39600, "NZST": 43200, "NZDT": 46800,
    ]

    static func offset(named name: String) -> Int64? {
        let upper = name.uppercased()
        if let value = named[upper] { return value }
        // RFC 822 military zones, read as RFC 1123 advises: unknown meaning, so UTC.
        if upper.count == 1, let scalar = upper.unicodeScalars.first, scalar.properties.isAlphabetic, upper != "J" {
            return 0
        }
        // "GMT+2", "UTC-05:00"
        for prefix in ["GMT", "UTC"] where upper.hasPrefix(prefix) && upper.count > prefix.count {
            let rest = String(upper.dropFirst(prefix.count))
            guard let sign = rest.first, sign == "+" || sign == "-" else { return nil }
            let digits = rest.dropFirst().filter { $0 != ":" }
            guard digits.allSatisfy(\.isNumber), let value = Int64(digits) else { return nil }
            let (hours, minutes) = digits.count > 2 ? (value / 100, value % 100) : (value, 0)
            guard hours <= 14, minutes <= 59 else { return nil }
            return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }
        return nil
    }
}

/// A forward-only scanner over ASCII digits and punctuation.
struct DigitScanner {
    private let scalars: [UInt8]
    private var position = 0

    init(_ text: String) { scalars = Array(text.utf8) }

    var atEnd: Bool { position >= scalars.count }
    var peekDigit: Bool { !atEnd && scalars[position] >= 48 && scalars[position] <= 57 }
    var rest: String { String(decoding: scalars[position...], as: UTF8.self) }

    mutating func finish() { position = scalars.count }

    mutating func number(digits: Int) -> Int64? {
        guard position + digits <= scalars.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<digits {
            let c = scalars[position + offset]
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int64(c - 48)
        }
        position += digits
        return value
    }

    mutating func fraction() -> Double {
        var value = 0.0, scale = 0.1
        while peekDigit {
            value += Double(scalars[position] - 48) * scale
            scale /= 10
            position += 1
        }
        return value
    }

    mutating func skip(_ character: Character) -> Bool {
        guard !atEnd, let ascii = character.asciiValue, scalars[position] == ascii else { return false }
        position += 1
        return true
    }

    mutating func skipSpaces() {
        while !atEnd && scalars[position] == 32 { position += 1 }
    }

    mutating func sign() -> Int64? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
