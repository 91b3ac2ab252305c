import Foundation
import Model

/// Dates as readers of the site read them, in the site's language ("27 novembre 2026").
enum HumanDates {
    private static let frenchMonths = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                       "septembre", "octobre", "novembre", "décembre"]
    private static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                        "September", "October", "November", "December"]

    static func day(_ date: Date, language: String) -> String {
        let iso = ISO8601UTC.day(from: date)
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return iso }
        if language.hasPrefix("en") { return "\(englishMonths[parts[1] - 1]) \(parts[2]), \(parts[0])" }
        return "\(parts[2] == 1 ? "1er" : String(parts[2])) \(frenchMonths[parts[1] - 1]) \(parts[0])"
    }
}
