import Foundation

/// When the observatory may publish a period: once it is over and `delayDays` more have passed
/// for late declarations, and then once only (the store keeps the report as first published).
///
/// Why: a table that changes with each import can be compared with yesterday's, and the
/// difference is one declaration — its month, category, structure type, region, and whether
/// care was disrupted — which small-cell suppression does nothing against. A closed period's
/// report changes no more, and the current period is not published at all.
public struct ObservatorySchedule: Sendable {
    public var delayDays: Int

    public init(delayDays: Int = 15) {
        self.delayDays = max(0, delayDays)
    }

    /// The first instant `year`'s report may be published (France's time, where declarations are made).
    public func publicationDate(ofYear year: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let end = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1)) ?? Date.distantFuture
        return calendar.date(byAdding: .day, value: delayDays, to: end) ?? end
    }

    public func isPublishable(year: Int, now: Date) -> Bool {
        now >= publicationDate(ofYear: year)
    }
}
