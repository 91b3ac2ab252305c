import Foundation
import Model

/// French as a French public service writes it, for the site and the desk alike: dates
/// (« 1er décembre 2026 », « 7 décembre 2026 à 14 h 10 »), numbers (« 0,84 », « 1 234 »),
/// plurals (« 1 élément », « 2 éléments »), and the words of the editors' workflow.
public struct FrenchFormat: Sendable {
    static let months = FrenchDay.months

    private let calendar: Calendar

    /// Dates are read in `timeZone` (the site's, `[site] time_zone`).
    public init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// « 7 décembre 2026 », « 1er janvier 2027 ».
    public func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return Self.day(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// « 7 décembre 2026 à 14 h 10 », « 7 décembre 2026 à 9 h 05 ».
    public func dateTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let minute = parts.minute ?? 0
        return Self.day(year: parts.year ?? 0, month: parts.month ?? 1, day: parts.day ?? 1)
            + " à \(parts.hour ?? 0) h " + (minute < 10 ? "0" : "") + String(minute)
    }

    static func day(year: Int, month: Int, day: Int) -> String { FrenchDay.words(year: year, month: month, day: day) }

    /// A decimal with a comma: « 0,84 ».
    public static func decimal(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
    }

    /// A whole number with its thousands set apart by a narrow no-break space: « 12 345 ».
    public static func integer(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(digit)
        }
        return (value < 0 ? "−" : "") + grouped
    }

    /// « 0 élément », « 1 élément », « 2 éléments » (in French, 0 and 1 take the singular).
    public static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        integer(value) + " " + (abs(value) < 2 ? singular : plural)
    }

    /// Where in an item the rules found their words.
    public static let fieldNames = ["title": "titre", "summary": "résumé", "content": "contenu"]

    /// The states of an item in the editors' workflow.
    public static func state(_ status: CurationStatus) -> String { status.labelFR }

    /// What an editor asked for, as the desk's buttons say it (the actions posted to /items/ID/ACTION).
    public static func command(_ action: String) -> String {
        let words = [
            "select": "sélectionner", "reject": "rejeter", "queue": "remettre en file", "pin": "épingler", "unpin": "désépingler",
            "handled": "marquer traité", "unhandled": "marquer non traité", "edit": "modifier le titre ou la note",
            "tag": "changer les étiquettes",
        ]
        return words[action] ?? action
    }

    /// What an entry of the audit log says was done (the stored action names stay as they are).
    public static func action(_ action: String) -> String {
        let words = [
            "new": "nouveau", "queued": "remis en file", "selected": "sélectionné", "rejected": "rejeté", "published": "publié",
            "select": "sélectionner", "reject": "rejeter", "queue": "remettre en file",
            "pin": "épinglé", "unpin": "désépinglé", "handled": "marqué traité", "unhandled": "marqué non traité",
            "edit": "titre ou note modifiés", "tag": "étiquettes modifiées", "merge": "histoires réunies", "split": "histoire séparée",
            "policy": "politique de tri", "user-add": "éditeur ajouté", "user-remove": "éditeur retiré", "password": "mot de passe changé",
            "user-password": "mot de passe changé", "user-disable": "éditeur désactivé", "user-enable": "éditeur réactivé",
        ]
        return words[action] ?? action
    }
}

/// The words of the cell's other workflows: alerts and declared incidents.
extension FrenchFormat {
    public static func severity(_ severity: AlertSeverity) -> String {
        switch severity {
        case .info: "information"
        case .moderate: "modérée"
        case .high: "élevée"
        case .critical: "critique"
        }
    }

    public static func alertStatus(_ status: AlertStatus) -> String {
        switch status {
        case .draft: "brouillon"
        case .published: "publiée"
        case .updated: "mise à jour"
        case .closed: "close"
        }
    }

    /// An entry of an alert's history (the stored names stay as they are); an embargo's time
    /// comes as `embargo`, already written in French.
    public static func alertAction(_ action: String, embargo: String? = nil) -> String {
        if action.hasPrefix("published (embargo") { return "publiée sous embargo" + (embargo.map { " jusqu'au \($0)" } ?? "") }
        let words = [
            "derived": "proposée par les règles", "rule-update": "mise à jour par les règles",
            "derived-and-published": "proposée et publiée par les règles", "rule-update-published": "mise à jour et publiée par les règles",
            "written": "écrite", "edited": "modifiée", "approved": "approuvée", "published": "publiée", "closed": "close",
        ]
        return words[action] ?? action
    }

    public static func incidentStatus(_ status: IncidentStatus) -> String {
        switch status {
        case .received: "reçue"
        case .qualified: "qualifiée"
        case .support: "accompagnement ouvert"
        case .closed: "close"
        }
    }
}
