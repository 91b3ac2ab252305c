import Foundation
import Model

/// One year of declarations like the cell's first: 319 declarations, 41 of which asked for
/// support and 150 of malicious origin, spread over the months, regions, categories and types
/// of structure (deterministic). Each carries a private structure name and description, which
/// the privacy test looks for in the published site.
public enum DeclarationFixture {
    static let regions = ["11", "84", "75", "76", "44", "32", "93", "53", "52", "28", "27", "24", "94", "04", "01", "02", "03", "06"]
    static let regionWeights = [60, 40, 35, 30, 28, 25, 24, 18, 16, 14, 10, 9, 3, 2, 2, 1, 1, 1]

    public static func structureName(_ index: Int) -> String { "Centre hospitalier Privé-\(1000 + index)" }
    public static func description(_ index: Int) -> String { "Récit confidentiel numéro \(5000 + index) de l'incident" }

    public static func csv() -> String {
        var lines = [DeclarationFileHeader.line]
        var regionPool: [String] = []
        for (region, weight) in zip(regions, regionWeights) { regionPool += Array(repeating: region, count: weight) }
        let categories = IncidentCategory.allCases
        let types = StructureType.allCases
        for index in 0..<319 {
            let nature = index < 150 ? "malveillant" : (index % 2 == 0 ? "accidentel" : "inconnu")
            let month = index % 12 + 1
            let day = index % 27 + 1
            let declared = String(format: "2025-%02d-%02dT%02d:15:00+01:00", month, day, 8 + index % 10)
            let occurred = String(format: "2025-%02d-%02dT%02d:00:00+01:00", month, day, 6 + index % 2)
            let category = categories[(index * 7) % categories.count].rawValue
            let type = types[(index * 5) % types.count].rawValue
            let support = index % 319 < 41 ? "true" : "false"
            let fields = [
                String(format: "ACSS-2025-%04d", index + 1), declared, occurred, type, regionPool[index % regionPool.count],
                nature, category, index % 3 == 0 ? "true" : "false", index % 4 == 0 ? "true" : "false", support,
                index % 5 == 0 ? String(index % 48) : "", index % 11 == 0 ? "CVE-2025-\(20000 + index)" : "",
                index % 13 == 0 ? "PACS Medirad 8.4;Passerelle HL7" : "",
                "\"\(structureName(index))\"", "\"\(description(index)), avec une virgule\"",
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

public enum DeclarationFileHeader {
    public static let line = "id,declared_at,occurred_at,structure_type,region,nature,category,care_disrupted,health_data_affected,"
        + "support_requested,unavailability_hours,cves,products,structure_name,description"
}
