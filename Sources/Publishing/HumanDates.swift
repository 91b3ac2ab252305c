import Foundation
import Model

/// Dates as readers of the site read them: in the site's language ("27 novembre 2026") and
/// time zone (an item published at 00:30 in Paris belongs to that day, not the day before in UTC).
struct HumanDates {
    private static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                       "septembre", "octobre", "novembre", "décembre"]
    private static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                        "September", "October", "November", "December"]

    let language: String
    private let timeZone: TimeZone
    /// The time zone's offset from UTC for each hour: a site lists a hundred thousand items, and
    /// asking the calendar for each date's day was a tenth of the daily run.
    private let offsets = OffsetCache()

    init(language: String, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    /// Year, month and day of `date` in the site's time zone.
    private func civil(_ date: Date) -> (year: Int, month: Int, day: Int) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let hour = seconds >= 0 ? seconds / 3600 : (seconds - 3599) / 3600
        let offset = offsets.offset(forHour: hour) { Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hour * 3600)))) }
        let local = seconds + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        return (Int(year), Int(month), Int(day))
    }

    /// "2026-11-27" in the site's time zone: the key of a day.
    func dayKey(_ date: Date) -> String {
        let (year, month, day) = civil(date)
        return Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }

    /// "novembre 2026" / "November 2026".
    func month(year: Int, month: Int) -> String {
        guard (1...12).contains(month) else { return "\(year)-\(month)" }
        return "\((language.hasPrefix("en") ? Self.englishMonths : Self.frenchMonths)[month - 1]) \(year)"
    }

    func day(_ date: Date) -> String {
        let (year, month, day) = civil(date)
        guard (1...12).contains(month) else { return dayKey(date) }
        if language.hasPrefix("en") { return "\(Self.englishMonths[month - 1]) \(day), \(year)" }
        return "\(day == 1 ? "1er" : String(day)) \(Self.frenchMonths[month - 1]) \(year)"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// Offsets by hour since 1970, filled as asked; shared by the threads rendering pages.
private final class OffsetCache: @unchecked Sendable {
    private var offsets: [Int64: Int64] = [:]
    private let lock = NSLock()

    func offset(forHour hour: Int64, compute: () -> Int64) -> Int64 {
        if let known = lock.withLock({ offsets[hour] }) { return known }
        let offset = compute()
        lock.withLock { offsets[hour] = offset }
        return offset
    }
}
