import Foundation
import Testing

@testable import Publishing

@Suite struct HumanDatesTests {
    /// The offsets read once from the time zone database agree with the time zone itself, every
    /// half hour, across daylight saving changes and changes of standard time (Moscow in 2011 and
    /// 2014, Samoa skipping a day in 2011, Lord Howe's half-hour shift).
    @Test(arguments: [
        ("Europe/Paris", 2024), ("America/New_York", 2024), ("Australia/Lord_Howe", 2024), ("Asia/Kolkata", 2024),
        ("Europe/Moscow", 2010), ("Europe/Moscow", 2014), ("Pacific/Apia", 2011), ("America/Sao_Paulo", 2018), ("UTC", 2024),
    ])
    func offsetTableAgreesWithTheTimeZone(zone: String, year: Int) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let table = OffsetTable(timeZone: timeZone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let start = try #require(calendar.date(from: DateComponents(year: year, month: 1, day: 1)))
        var mismatches: [String] = []
        for step in 0..<(2 * 24 * 366) {
            let date = start.addingTimeInterval(Double(step) * 1800)
            let seconds = Int64(date.timeIntervalSince1970)
            let expected = Int64(timeZone.secondsFromGMT(for: date))
            if table.offset(at: seconds) != expected, mismatches.count < 5 { mismatches.append("\(date): \(String(describing: table.offset(at: seconds))) ≠ \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(zone): \(mismatches)")
    }

    @Test func outsideTheCoveredYearsTheTimeZoneIsAsked() throws {
        let table = OffsetTable(timeZone: try #require(TimeZone(identifier: "Europe/Paris")))
        #expect(table.offset(at: OffsetTable.covered.lowerBound - 1) == nil)
        #expect(table.offset(at: OffsetTable.covered.upperBound) == nil)
        let dates = HumanDates(language: "fr", timeZone: try #require(TimeZone(identifier: "Europe/Paris")))
        #expect(dates.dayKey(Date(timeIntervalSince1970: 4_102_444_800 + 86_400 * 180 - 1800)) == "2100-06-30")  // 22:30 UTC, 00:30 in Paris
    }

    /// An item published at 00:30 in Paris belongs to that day, not to the day before in UTC.
    @Test func daysAreThoseOfTheSiteTimeZone() throws {
        let dates = HumanDates(language: "fr", timeZone: try #require(TimeZone(identifier: "Europe/Paris")))
        let halfPastMidnight = Date(timeIntervalSince1970: 1_795_995_000)  // 2026-11-29T23:30:00Z
        #expect(dates.dayKey(halfPastMidnight) == "2026-11-30")
        #expect(dates.day(halfPastMidnight) == "30 novembre 2026")
        let both = dates.dayKeyAndDay(halfPastMidnight)
        #expect(both.key == "2026-11-30" && both.human == "30 novembre 2026")
        #expect(HumanDates(language: "en", timeZone: try #require(TimeZone(identifier: "Europe/Paris"))).day(halfPastMidnight) == "November 30, 2026")
        #expect(dates.day(Date(timeIntervalSince1970: 1_796_079_600)) == "1er décembre 2026")  // 2026-11-30T23:00:00Z
    }
}
