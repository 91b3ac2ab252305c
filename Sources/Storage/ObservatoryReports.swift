import Foundation
import GRDB
import Model

/// The observatory's published reports, one per closed year, fixed at their first publication.
extension Store {
    /// Every fixed report, by year.
    public func frozenObservatoryReports() throws -> [Int: Observatory] {
        try pool.read { db in
            var reports: [Int: Observatory] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT year, report FROM observatory_report") {
                let year: Int = row["year"]
                let text: String = row["report"]
                do {
                    reports[year] = try JSONDecoder().decode(Observatory.self, from: Data(text.utf8))
                } catch {
                    throw StoreError("the observatory's fixed report for \(year) cannot be read: \(error)")
                }
            }
            return reports
        }
    }

    /// Keeps `report` as its year's published report, unless one is already kept (it stays).
    public func freezeObservatoryReport(_ report: Observatory, at now: Date = Date()) throws {
        guard let year = report.year else { throw StoreError("only a year's report is fixed") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(report), as: UTF8.self)
        try write { db in
            try db.execute(sql: "INSERT INTO observatory_report (year, frozen_at, report) VALUES (?, ?, ?) ON CONFLICT (year) DO NOTHING",
                           arguments: [year, now.timeIntervalSince1970, text])
        }
    }
}
