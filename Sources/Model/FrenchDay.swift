/// A day as French writes it: « 7 décembre 2026 », « 1er janvier 2027 ». The site and the
/// desk (Publishing/FrenchFormat) and the alert rules' texts (Incidents) write days this way.
public enum FrenchDay {
    public static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                "septembre", "octobre", "novembre", "décembre"]

    public static func words(year: Int, month: Int, day: Int) -> String {
        guard (1...12).contains(month) else { return "\(year)-\(month)-\(day)" }
        return (day == 1 ? "1er" : String(day)) + " " + months[month - 1] + " " + String(year)
    }

    /// "2026-11-20" (as the KEV catalog gives a day) in words; any other text as it is.
    public static func words(fromKey key: String) -> String {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard key.count == 10, parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
              (1...12).contains(month), (1...31).contains(day) else { return key }
        return words(year: year, month: month, day: day)
    }
}
