import Foundation
import Model

/// CISA's Known Exploited Vulnerabilities catalog (JSON, as published at
/// https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json).
public enum KEVCatalog {
    private struct Document: Decodable {
        struct Entry: Decodable {
            var cveID: String
            var vendorProject: String?
            var product: String?
            var vulnerabilityName: String?
            var dateAdded: String
            var dueDate: String?
            var knownRansomwareCampaignUse: String?
        }
        var vulnerabilities: [Entry]
    }

    /// The catalog's entries; entries without a well-formed CVE id or date are skipped, a
    /// document that is not a catalog is an error naming `origin`.
    public static func parse(_ data: Data, origin: String) throws -> [KnownExploitedVulnerability] {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw EnrichmentError("\(origin): not a KEV catalog (\(Self.describe(error)))")
        }
        return document.vulnerabilities.compactMap { entry in
            guard let cve = CVEExtractor.ids(in: entry.cveID).first, entry.dateAdded.count == 10 else { return nil }
            return KnownExploitedVulnerability(
                cve: cve, dateAdded: entry.dateAdded, dueDate: entry.dueDate,
                knownRansomwareUse: entry.knownRansomwareCampaignUse?.lowercased() == "known",
                vendor: entry.vendorProject ?? "", product: entry.product ?? "", name: entry.vulnerabilityName ?? "")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: return "not JSON"
        default: return "\(error)"
        }
    }
}

/// FIRST's EPSS scores, as its daily CSV (uncompressed): an optional `#model_version…` line,
/// then `cve,epss,percentile`.
public enum EPSSFile {
    public static func parse(_ data: Data, origin: String) throws -> [EPSSScore] {
        var scores: [EPSSScore] = []
        var sawHeader = false
        for (index, line) in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            if line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if !sawHeader {
                guard fields.count >= 3, fields[0] == "cve", fields[1] == "epss" else {
                    throw EnrichmentError("\(origin):\(index + 1): expected the header cve,epss,percentile")
                }
                sawHeader = true
                continue
            }
            guard fields.count >= 3, let cve = CVEExtractor.ids(in: String(fields[0])).first,
                  let probability = Double(fields[1]), (0...1).contains(probability),
                  let percentile = Double(fields[2]), (0...1).contains(percentile) else {
                throw EnrichmentError("\(origin):\(index + 1): expected CVE-id,probability,percentile")
            }
            scores.append(EPSSScore(cve: cve, probability: probability, percentile: percentile))
        }
        guard sawHeader else { throw EnrichmentError("\(origin): empty, or not an EPSS CSV") }
        return scores
    }
}

public struct EnrichmentError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
