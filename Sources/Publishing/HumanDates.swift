import Foundation

/// Dates as readers of the site read them: in the site's language ("27 novembre 2026") and
/// time zone (an item published at 00:30 in Paris belongs to that day, not the day before in UTC).
struct HumanDates {
    private static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                       "septembre", "octobre", "novembre", "décembre"]
    private static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                        "September", "October", "November", "December"]

    let language: String
    private let calendar: Calendar

    init(language: String, timeZone: TimeZone) {
        self.language = language
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// "2026-11-27" in the site's time zone: the key of a day.
    func dayKey(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// "novembre 2026" / "November 2026".
    func month(year: Int, month: Int) -> String {
        guard (1...12).contains(month) else { return "\(year)-\(month)" }
        return "\((language.hasPrefix("en") ? Self.englishMonths : Self.frenchMonths)[month - 1]) \(year)"
    }

    func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return dayKey(date) }
        if language.hasPrefix("en") { return "\(Self.englishMonths[month - 1]) \(day), \(year)" }
        return "\(day == 1 ? "1er" : String(day)) \(Self.frenchMonths[month - 1]) \(year)"
    }
}
