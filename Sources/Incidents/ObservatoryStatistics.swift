import Foundation
import Model

/// Counts declarations into the observatory's tables, then suppresses what could identify a
/// structure:
///
/// 1. **Grouping**: regions and structure types with fewer than `k` declarations are merged
///    into « autres régions » / « autres structures ».
/// 2. **Primary suppression**: every count from 1 to k − 1 is withheld (0 is published: it
///    identifies no one).
/// 3. **Secondary suppression**: the total of a table is published, so the withheld counts of a
///    table must add up to at least `k` and be at least two; the smallest published counts are
///    withheld too until they do. No withheld count can then be recomputed from the total.
///
/// Totals (declared, support requests, malicious…) are withheld below `k` as well.
public struct ObservatoryStatistics: Sendable {
    public var k: Int

    public init(k: Int = 5) {
        self.k = max(2, k)
    }

    public func observatory(_ facts: [IncidentFacts], year: Int? = nil) -> Observatory {
        let facts = year.map { year in facts.filter { Self.year(of: $0.declaredAt) == year } } ?? facts
        func total(_ count: Int) -> Int? { count == 0 || count >= k ? count : nil }
        let malicious = facts.filter { $0.nature == .malveillant }.count
        let percent = facts.isEmpty || total(malicious) == nil ? nil : Int((Double(malicious) * 100 / Double(facts.count)).rounded())
        let qualification = facts.compactMap { fact in fact.qualifiedAt.map { $0.timeIntervalSince(fact.declaredAt) / 86_400 } }
        let support = facts.filter(\.supportRequested).compactMap { fact in fact.supportAt.map { $0.timeIntervalSince(fact.declaredAt) / 86_400 } }

        let months = Dictionary(grouping: facts) { Self.monthKey($0.declaredAt) }
        let monthCells = months.keys.sorted().map { StatisticsCell(key: $0, label: $0, count: months[$0]!.count) }
        let categories = IncidentCategory.allCases.map { category in
            StatisticsCell(key: category.rawValue, label: category.rawValue, count: facts.filter { $0.category == category }.count)
        }
        let structures = StructureType.allCases.map { type in
            StatisticsCell(key: type.rawValue, label: type.rawValue, count: facts.filter { $0.structureType == type }.count)
        }
        let regions = Self.regionNames.keys.sorted().map { code in
            StatisticsCell(key: code, label: Self.regionNames[code] ?? code, count: facts.filter { $0.region == code }.count)
        }
        let tables = [
            suppress(StatisticsTable(id: "month", cells: monthCells, total: facts.count)),
            suppress(StatisticsTable(id: "category", cells: categories, total: facts.count)),
            suppress(group(StatisticsTable(id: "structure_type", cells: structures, total: facts.count), otherLabel: "autres structures")),
            suppress(group(StatisticsTable(id: "region", cells: regions, total: facts.count), otherLabel: "autres régions")),
        ]
        return Observatory(
            year: year, firstDeclaration: facts.map(\.declaredAt).min(), lastDeclaration: facts.map(\.declaredAt).max(), k: k,
            declared: total(facts.count), supportRequests: total(facts.filter(\.supportRequested).count), malicious: total(malicious),
            maliciousPercent: percent, careDisrupted: total(facts.filter(\.careDisrupted).count),
            healthDataAffected: total(facts.filter(\.healthDataAffected).count),
            medianDaysToQualification: qualification.count >= k ? Self.median(qualification) : nil,
            medianDaysToSupport: support.count >= k ? Self.median(support) : nil,
            tables: tables)
    }

    /// Merges the cells below k (and above 0) into one "other" cell, placed last; empty cells
    /// are dropped from grouped tables.
    func group(_ table: StatisticsTable, otherLabel: String) -> StatisticsTable {
        var kept: [StatisticsCell] = []
        var other = 0
        for cell in table.cells {
            guard let count = cell.count, count > 0 else { continue }
            if count < k { other += count } else { kept.append(cell) }
        }
        if other > 0 { kept.append(StatisticsCell(key: "autres", label: otherLabel, count: other)) }
        return StatisticsTable(id: table.id, cells: kept, total: table.total)
    }

    /// Primary then secondary suppression (see the type's documentation).
    func suppress(_ table: StatisticsTable) -> StatisticsTable {
        var cells = table.cells
        var withheld = Set(cells.indices.filter { index in
            guard let count = cells[index].count else { return false }
            return count > 0 && count < k
        })
        func withheldSum() -> Int { withheld.reduce(0) { $0 + (table.cells[$1].count ?? 0) } }
        while !withheld.isEmpty, withheld.count < 2 || withheldSum() < k {
            let candidates = cells.indices.filter { !withheld.contains($0) && (cells[$0].count ?? 0) > 0 }
            guard let smallest = candidates.min(by: { (cells[$0].count ?? 0, $0) < (cells[$1].count ?? 0, $1) }) else { break }
            withheld.insert(smallest)
        }
        for index in withheld { cells[index].count = nil }
        let total = table.total.flatMap { $0 == 0 || $0 >= k ? $0 : nil }
        return StatisticsTable(id: table.id, cells: cells, total: total)
    }

    static func monthKey(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// The year of a date in France (where declarations are made).
    public static func year(of date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar.component(.year, from: date)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    /// INSEE codes of the regions (2016).
    public static let regionNames: [String: String] = [
        "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
        "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
        "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
        "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
        "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
    ]
}

/// The NIS2 milestones of a declaration (Art. 23(4)): early warning within 24 h and
/// notification within 72 h of awareness (not in the declaration: its occurrence stands for it,
/// else its declaration), final report within one month of the notification (the declaration).
public struct NIS2Milestones: Sendable, Equatable {
    public var earlyWarningDue: Date
    public var notificationDue: Date
    public var finalReportDue: Date
    /// Met when the declaration (for the first two) or the closing (for the final report) came
    /// in time; nil while the deadline has not passed and the step is not done.
    public var earlyWarningMet: Bool?
    public var notificationMet: Bool?
    public var finalReportMet: Bool?

    public init(awareness: Date, declaredAt: Date, closedAt: Date?, now: Date = Date()) {
        earlyWarningDue = awareness.addingTimeInterval(24 * 3600)
        notificationDue = awareness.addingTimeInterval(72 * 3600)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        finalReportDue = calendar.date(byAdding: .month, value: 1, to: declaredAt) ?? declaredAt.addingTimeInterval(30 * 86_400)
        earlyWarningMet = declaredAt <= earlyWarningDue
        notificationMet = declaredAt <= notificationDue
        if let closedAt { finalReportMet = closedAt <= finalReportDue } else { finalReportMet = now > finalReportDue ? false : nil }
    }
}
