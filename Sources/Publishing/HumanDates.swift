import Foundation
import Model

/// Dates as readers of the site read them: in the site's language ("27 novembre 2026") and
/// time zone (an item published at 00:30 in Paris belongs to that day, not the day before in UTC).
struct HumanDates {
    private static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                        "September", "October", "November", "December"]

    let language: String
    private let timeZone: TimeZone
    /// The time zone's offsets from UTC between its transitions: a site lists a hundred thousand
    /// items, and asking the calendar for each date's day was a tenth of the daily run.
    private let offsets: OffsetTable

    init(language: String, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
        offsets = OffsetTable(timeZone: timeZone)
    }

    /// Year, month and day of `date` in the site's time zone.
    private func civil(_ date: Date) -> (year: Int, month: Int, day: Int) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let offset = offsets.offset(at: seconds) ?? Int64(timeZone.secondsFromGMT(for: date))
        let local = seconds + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        return (Int(year), Int(month), Int(day))
    }

    /// The day key and the day in words of one date, from one reading of the calendar.
    func dayKeyAndDay(_ date: Date) -> (key: String, human: String) {
        let civil = civil(date)
        return (Self.dayKey(civil), human(civil) ?? Self.dayKey(civil))
    }

    /// "2026-11-27" in the site's time zone: the key of a day.
    func dayKey(_ date: Date) -> String { Self.dayKey(civil(date)) }

    private static func dayKey(_ civil: (year: Int, month: Int, day: Int)) -> String {
        padded(civil.year, 4) + "-" + padded(civil.month, 2) + "-" + padded(civil.day, 2)
    }

    /// "novembre 2026" / "November 2026".
    func month(year: Int, month: Int) -> String {
        guard (1...12).contains(month) else { return "\(year)-\(month)" }
        return "\((language.hasPrefix("en") ? Self.englishMonths : FrenchFormat.months)[month - 1]) \(year)"
    }

    /// "2026-11-26" (a day as the KEV catalog and advisories give it) in words; the text as it
    /// is when it is not a day.
    func day(fromKey key: String) -> String {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard key.count == 10, parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
              (1...31).contains(day) else { return key }
        return human((year, month, day)) ?? key
    }

    func day(_ date: Date) -> String {
        let civil = civil(date)
        return human(civil) ?? Self.dayKey(civil)
    }

    private func human(_ civil: (year: Int, month: Int, day: Int)) -> String? {
        let (year, month, day) = civil
        guard (1...12).contains(month) else { return nil }
        if language.hasPrefix("en") { return Self.englishMonths[month - 1] + " " + String(day) + ", " + String(year) }
        return FrenchFormat.day(year: year, month: month, day: day)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A time zone's offset from UTC as a list of the instants it changes at, read once from the
/// time zone database for the years a portal's items fall in (1990 to 2100), then looked up
/// without locking by the threads that render pages. Outside those years: nil, and the caller asks
/// the time zone.
struct OffsetTable: Sendable {
    static let covered: Range<Int64> = 631_152_000..<4_102_444_800  // 1990-01-01 to 2100-01-01 UTC

    /// Seconds since 1970 each offset starts at, ascending; the first is `covered`'s start.
    private let starts: [Int64]
    private let offsets: [Int64]

    init(timeZone: TimeZone) {
        var starts = [Self.covered.lowerBound]
        var offsets = [Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.covered.lowerBound))))]
        var cursor = Date(timeIntervalSince1970: Double(Self.covered.lowerBound))
        // A zone changes its offset a few times a year at most; the bound only guards the loop.
        while starts.count < 4096, let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next > cursor {
            let start = Int64(next.timeIntervalSince1970.rounded(.down))
            guard start < Self.covered.upperBound else { break }
            let offset = Int64(timeZone.secondsFromGMT(for: next))
            if offset != offsets.last { starts.append(start); offsets.append(offset) }
            cursor = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    func offset(at seconds: Int64) -> Int64? {
        guard Self.covered.contains(seconds) else { return nil }
        var low = 0, high = starts.count  // the last start <= seconds
        while high - low > 1 {
            let middle = (low + high) / 2
            if starts[middle] <= seconds { low = middle } else { high = middle }
        }
        return offsets[low]
    }
}
