import Foundation

/// One published count; nil when it is suppressed (too small to be anonymous, or needed to keep
/// another suppressed count from being recomputed).
public struct StatisticsCell: Sendable, Equatable, Codable {
    public var key: String
    public var label: String
    public var count: Int?

    public init(key: String, label: String, count: Int?) {
        self.key = key
        self.label = label
        self.count = count
    }
}

/// A one-way table with its total.
public struct StatisticsTable: Sendable, Equatable, Codable {
    /// "month", "category", "structure_type", "region".
    public var id: String
    public var cells: [StatisticsCell]
    public var total: Int?

    public init(id: String, cells: [StatisticsCell], total: Int?) {
        self.id = id
        self.cells = cells
        self.total = total
    }
}

/// The anonymous statistics of declared incidents over a period, as the observatory publishes
/// them: every count is at least `k`, or suppressed.
public struct Observatory: Sendable, Equatable, Codable {
    /// The year of the report, or nil for all declarations.
    public var year: Int?
    public var firstDeclaration: Date?
    public var lastDeclaration: Date?
    public var k: Int
    public var declared: Int?
    public var supportRequests: Int?
    public var malicious: Int?
    /// Rounded to the unit, as the cell writes it ("47 %").
    public var maliciousPercent: Int?
    public var careDisrupted: Int?
    public var healthDataAffected: Int?
    /// Median days from declaration to qualification, and from the request of support to its
    /// opening, over the declarations that reached those steps (nil below k of them).
    public var medianDaysToQualification: Double?
    public var medianDaysToSupport: Double?
    public var tables: [StatisticsTable]

    public init(year: Int?, firstDeclaration: Date?, lastDeclaration: Date?, k: Int, declared: Int?, supportRequests: Int?,
                malicious: Int?, maliciousPercent: Int?, careDisrupted: Int?, healthDataAffected: Int?,
                medianDaysToQualification: Double?, medianDaysToSupport: Double?, tables: [StatisticsTable]) {
        self.year = year
        self.firstDeclaration = firstDeclaration
        self.lastDeclaration = lastDeclaration
        self.k = k
        self.declared = declared
        self.supportRequests = supportRequests
        self.malicious = malicious
        self.maliciousPercent = maliciousPercent
        self.careDisrupted = careDisrupted
        self.healthDataAffected = healthDataAffected
        self.medianDaysToQualification = medianDaysToQualification
        self.medianDaysToSupport = medianDaysToSupport
        self.tables = tables
    }
}

/// A year whose report is not published yet, and the day it will be (once the year is closed
/// and late declarations are in).
public struct ScheduledObservatoryReport: Sendable, Equatable {
    public var year: Int
    public var publishedFrom: Date

    public init(year: Int, publishedFrom: Date) {
        self.year = year
        self.publishedFrom = publishedFrom
    }
}
