import ArgumentParser
import FeedParsing
import Fetching
import Foundation
import Model
import Pipeline

/// `cyberveille parse FILE|URL --json`: one document through the parser, printed per the
/// parse contract (docs/parse-contract.md).
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parse one feed document (a file or an http(s) URL) and print what was read.")

    @Argument(help: "A file path, or an http(s) URL.") var location: String
    @Flag(help: "Print the parse-contract JSON object.") var json = false
    @Flag(name: .customLong("allow-private-networks"), help: "Let a URL reach loopback and private addresses.")
    var allowPrivateNetworks = false

    func run() throws {
        let (data, url, contentType) = try load()
        let feed: ParsedFeed
        do {
            feed = try FeedParser().parse(data, url: url, contentType: contentType)
        } catch let error as FeedParseError {
            throw fail("\(location): \(error)")
        }
        if json {
            print(ParseContractJSON.encode(feed))
        } else {
            print("\(feed.format.rawValue): \(feed.title ?? "(untitled)"), \(feed.items.count) items" + (feed.recovered ? " (recovered from ill-formed XML)" : ""))
            for item in feed.items {
                print("- " + (item.published.map(ISO8601UTC.string) ?? "no date            ") + "  " + (item.title ?? "(untitled)"))
            }
        }
    }

    private func load() throws -> (Data, String?, String?) {
        let lower = location.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let configuration = FetcherConfiguration(
                userAgent: FetcherConfiguration.userAgent(version: RunEnvironment.version, contactURL: "https://github.com/cyberveille/cyberveille"),
                allowPrivateNetworks: allowPrivateNetworks)
            let response = Fetcher(configuration: configuration).fetch([FetchRequest(sourceID: "parse", url: location)])[0]
            guard response.outcome == .ok else { throw fail("\(location): \(response.summary)") }
            return (response.body, response.effectiveURL, response.contentType)
        }
        let fileURL = URL(fileURLWithPath: location)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: fileURL.path, isDirectory: &isDirectory) else {
            throw fail("\(location): no such file")
        }
        guard !isDirectory.boolValue else { throw fail("\(location): is a directory, not a feed file") }
        do {
            // No base: a relative link resolves against the document's own xml:base, or stays as
            // written; never against this machine's path (a file: URL nobody else can open).
            return (try Data(contentsOf: fileURL), nil, nil)
        } catch {
            throw fail("\(location): cannot read the file (\(error.localizedDescription))")
        }
    }
}

/// The JSON of the parse contract: absent values are null, dates ISO 8601 UTC to the second.
enum ParseContractJSON {
    static func encode(_ feed: ParsedFeed) -> String {
        let object: [String: Any] = [
            "format": feed.format.rawValue,
            "title": value(feed.title), "link": value(feed.link), "description": value(feed.description),
            "language": value(feed.language), "updated": value(feed.updated.map(ISO8601UTC.string)),
            "items": feed.items.map(item),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func item(_ item: ParsedItem) -> [String: Any] {
        var object: [String: Any] = [
            "id": value(item.id), "title": value(item.title), "link": value(item.link),
            "summary": value(item.summary), "content": value(item.content),
            "published": value(item.published.map(ISO8601UTC.string)), "updated": value(item.updated.map(ISO8601UTC.string)),
            "authors": item.authors, "categories": item.categories,
            "enclosures": item.enclosures.map { ["url": $0.url, "type": value($0.type), "length": value($0.length)] as [String: Any] },
        ]
        if let advisory = item.advisory {
            // Advisories (csaf2.0, certfr, kev) also carry their structured facts; cvss is the
            // highest base score, each score is in cvss_scores.
            object["cves"] = advisory.cves
            object["products"] = advisory.products
            object["tlp"] = value(advisory.tlp?.uppercased())
            object["cvss"] = value(advisory.highestBaseScore)
            object["cvss_scores"] = advisory.scores.map {
                ["cve": value($0.cve), "version": $0.version, "base_score": $0.baseScore, "vector": value($0.vector)] as [String: Any]
            }
            object["tracking_id"] = advisory.trackingID
            object["tracking_version"] = value(advisory.version)
            object["initial_release"] = value(advisory.initialRelease.map(ISO8601UTC.string))
            object["current_release"] = value(advisory.currentRelease.map(ISO8601UTC.string))
            object["sectors"] = advisory.sectors
            object["risks"] = advisory.risks
            object["remediations"] = advisory.remediations
            object["references"] = advisory.references.map { ["url": $0.url, "summary": value($0.summary)] as [String: Any] }
            if let known = advisory.knownExploited {
                object["known_exploited"] = ["date_added": known.dateAdded, "due_date": value(known.dueDate),
                                             "known_ransomware_use": known.knownRansomwareUse,
                                             "required_action": value(advisory.requiredAction)] as [String: Any]
            }
        }
        return object
    }

    private static func value(_ optional: Any?) -> Any { optional ?? NSNull() }
}
