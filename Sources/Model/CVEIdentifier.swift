import Foundation

/// CVE ids as structured documents write them (advisories, declarations): `CVE-YYYY-NNNN…`,
/// upper-cased, with 4 to 8 digits in the sequence part.
public enum CVEIdentifier {
    public static func normalized(_ raw: String?) -> String? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces).uppercased() else { return nil }
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "CVE", parts[1].count == 4, (4...8).contains(parts[2].count),
              parts[1].allSatisfy(\.isASCIIDigit), parts[2].allSatisfy(\.isASCIIDigit) else { return nil }
        return raw
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
