import Foundation
import Model

/// The observatory of declared incidents: totals and rates, by month, category, structure type
/// and region, as accessible SVG charts with their data tables; a yearly report that prints
/// cleanly; and the open-data CSV of the published (suppressed) tables. Only `Observatory`
/// values reach this file: counts, never a declaration. The observatory's home shows the
/// latest year; there is no all-years table (see PublishStep).
extension SitePublisher {
    /// `observatories`: one per closed year, as fixed when first published (the home of the
    /// observatory shows the latest); `scheduled`: the years still to come, which the home
    /// announces with the day their report will appear. Nothing of the current year is shown.
    func writeObservatory(_ observatories: [Observatory], scheduled: [ScheduledObservatoryReport], site: SiteView,
                          to writer: SiteWriter) throws {
        let years = observatories.filter { $0.year != nil }.sorted { ($0.year ?? 0) > ($1.year ?? 0) }
        guard !observatories.isEmpty || !scheduled.isEmpty else { return }
        let yearLinks = years.map { ["year": $0.year ?? 0, "path": "observatoire/rapport-\($0.year ?? 0)/",
                                      "csv": "observatoire/donnees-\($0.year ?? 0).csv"] as [String: Any] }
        var home = context(years.first ?? observatories.first, path: "observatoire/", site: site, years: yearLinks)
        home["scheduled"] = scheduled.map { ["year": $0.year, "date": dates.day($0.publishedFrom)] as [String: Any] }
        home["hasScheduled"] = !scheduled.isEmpty
        try writer.write(try render(home, "observatory"), at: "observatoire/")
        for report in years {
            let year = report.year ?? 0
            try writer.write(try render(context(report, path: "observatoire/rapport-\(year)/", site: site, years: yearLinks), "observatory"),
                             at: "observatoire/rapport-\(year)/")
            try writer.write(Self.csv(report), at: "observatoire/donnees-\(year).csv")
        }
    }

    private func context(_ observatory: Observatory?, path: String, site: SiteView, years: [[String: Any]]) -> [String: Any] {
        guard let observatory else {
            return ["frame": frame(site, path: path), "isReport": false, "hasYear": false, "hasData": false,
                    "years": years, "hasYears": !years.isEmpty, "tables": [] as [Any]]
        }
        func number(_ value: Int?) -> String { value.map { Self.grouped($0) } ?? "< \(observatory.k)" }
        let tables = observatory.tables.map(readableMonths).map { table -> [String: Any] in
            let title = strings["observatory_by_\(table.id)"]
            return [
                "id": table.id, "title": title, "dimension": strings["observatory_dimension_\(table.id)"],
                "chart": SVGBarChart.render(table, title: title, withheld: strings["observatory_withheld"], k: observatory.k),
                "rows": table.cells.map { ["label": $0.label, "count": number($0.count), "withheld": $0.count == nil] as [String: Any] },
                "total": number(table.total),
            ]
        }
        var context: [String: Any] = [
            "frame": frame(site, path: path), "isReport": observatory.year != nil && path != "observatoire/", "year": observatory.year ?? 0,
            "hasYear": observatory.year != nil,
            "k": observatory.k, "declared": number(observatory.declared), "supportRequests": number(observatory.supportRequests),
            "maliciousPercent": observatory.maliciousPercent.map { "\($0) %" } ?? "< \(observatory.k)",
            "careDisrupted": number(observatory.careDisrupted), "healthDataAffected": number(observatory.healthDataAffected),
            "tables": tables, "years": years, "hasYears": !years.isEmpty, "hasData": (observatory.declared ?? 0) > 0,
        ]
        // The whole year, not the days of its first and last declarations (which would date two of them).
        if let year = observatory.year, let first = Self.noonUTC(year, 1, 1), let last = Self.noonUTC(year, 12, 31) {
            context["period"] = "\(dates.day(first)) – \(dates.day(last))"
        }
        if let days = observatory.medianDaysToQualification { context["qualificationDays"] = decimal(days, digits: 1) }
        if let days = observatory.medianDaysToSupport { context["supportDays"] = decimal(days, digits: 1) }
        return context
    }

    /// The months table as readers read it (« janvier 2025 »); the open-data CSV keeps "2025-01".
    private func readableMonths(_ table: StatisticsTable) -> StatisticsTable {
        guard table.id == "month" else { return table }
        var readable = table
        readable.cells = table.cells.map { cell in
            var cell = cell
            let parts = cell.label.split(separator: "-").compactMap { Int($0) }
            if parts.count == 2 { cell.label = dates.month(year: parts[0], month: parts[1]) }
            return cell
        }
        return readable
    }

    private static func noonUTC(_ year: Int, _ month: Int, _ day: Int) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text += "\u{202F}" }
            text.append(digit)
        }
        return text
    }

    /// table,key,label,count — withheld counts are empty, as open data writes a missing value.
    static func csv(_ observatory: Observatory) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = ["table,key,label,count"]
        let totals: [(String, Int?)] = [("declared", observatory.declared), ("support_requests", observatory.supportRequests),
                                        ("malicious", observatory.malicious), ("care_disrupted", observatory.careDisrupted),
                                        ("health_data_affected", observatory.healthDataAffected)]
        for (key, value) in totals { lines.append("totals,\(key),\(key),\(value.map(String.init) ?? "")") }
        for table in observatory.tables {
            for cell in table.cells {
                lines.append([table.id, cell.key, cell.label, cell.count.map(String.init) ?? ""].map(field).joined(separator: ","))
            }
            lines.append("\(table.id),total,total,\(table.total.map(String.init) ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A horizontal bar chart in SVG, drawn from the numbers alone (no script, no external asset),
/// with a title and description for assistive technologies; the page's table gives the same
/// data as text.
enum SVGBarChart {
    static func render(_ table: StatisticsTable, title: String, withheld: String, k: Int) -> String {
        let rowHeight = 22, labelWidth = 190, barWidth = 360, width = labelWidth + barWidth + 70
        let height = rowHeight * table.cells.count + 10
        let maximum = max(1, table.cells.compactMap(\.count).max() ?? 1)
        let id = "chart-" + table.id
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" "
            + "aria-labelledby=\"\(id)-title\"><title id=\"\(id)-title\">\(escape(title))</title>"
        for (index, cell) in table.cells.enumerated() {
            let y = index * rowHeight + 5
            svg += "<text x=\"\(labelWidth - 6)\" y=\(quote(y + 15)) text-anchor=\"end\" class=\"chart-label\">\(escape(cell.label))</text>"
            if let count = cell.count {
                let length = Int((Double(count) / Double(maximum) * Double(barWidth)).rounded())
                svg += "<rect x=\"\(labelWidth)\" y=\(quote(y + 3)) width=\(quote(max(length, count > 0 ? 2 : 0))) height=\"16\" class=\"chart-bar\"/>"
                svg += "<text x=\(quote(labelWidth + length + 6)) y=\(quote(y + 15)) class=\"chart-value\">\(count)</text>"
            } else {
                svg += "<text x=\(quote(labelWidth + 6)) y=\(quote(y + 15)) class=\"chart-value chart-withheld\">\(escape(withheld)) (&lt; \(k))</text>"
            }
        }
        return svg + "</svg>"
    }

    private static func quote(_ value: Int) -> String { "\"\(value)\"" }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
