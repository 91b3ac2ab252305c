import ArgumentParser
import Curation
import Foundation
import Model
import Pipeline
import Storage

/// `cyberveille alerts list|show|new|approve|publish|close` (docs/incidents.md).
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Sector alerts: drafts from the rules or by hand, approval, publication.",
        subcommands: [List.self, Show.self, New.self, Approve.self, Publish.self, Close.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List alerts, newest first.")
        @OptionGroup var options: CommonOptions
        @Option(help: "draft, published, updated or closed.") var status: String?
        @Flag(help: "Print {\"alerts\": [{\"id\", \"severity\", \"status\", \"title\", \"rule\", \"updated\"}]}.") var json = false

        func run() throws {
            try reportingFailure {
                let status = try self.status.map { text -> AlertStatus in
                    guard let value = AlertStatus(rawValue: text) else { throw AlertError("--status is draft, published, updated or closed") }
                    return value
                }
                let alerts = try options.environment().store.alerts(status: status)
                if json {
                    let objects: [[String: Any]] = alerts.map {
                        ["id": $0.id, "severity": $0.severity.rawValue, "status": $0.status.rawValue, "title": $0.title,
                         "rule": $0.rule ?? NSNull(), "updated": ISO8601UTC.string(from: $0.updatedAt)]
                    }
                    let data = try JSONSerialization.data(withJSONObject: ["alerts": objects], options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                if alerts.isEmpty { print("no alert") }
                for alert in alerts {
                    print("\(alert.id)  \(alert.status.rawValue)  \(alert.severity.rawValue)  \(alert.title)" + (alert.rule.map { "  (rule \($0))" } ?? ""))
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "An alert with its history.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "Alert id.") var id: String

        func run() throws {
            try reportingFailure {
                let store = try options.environment().store
                guard let alert = try store.alert(id: id) else { throw AlertError("no alert \(id)") }
                print("\(alert.id)  \(alert.status.rawValue)  \(alert.severity.rawValue)  version \(alert.version)")
                print(alert.title)
                print(alert.summary)
                if let action = alert.requiredAction { print("action: \(action)" + (alert.dueDate.map { " (by \($0))" } ?? "")) }
                if !alert.products.isEmpty { print("products: \(alert.products.joined(separator: ", "))") }
                if !alert.cves.isEmpty { print("CVE: \(alert.cves.joined(separator: ", "))") }
                if let measures = alert.measures { print("measures:\n\(measures)") }
                if !alert.references.isEmpty { print("references (items): \(alert.references.map(String.init).joined(separator: ", "))") }
                print("written by \(alert.createdBy)" + (alert.approvedBy.map { ", approved by \($0)" } ?? "")
                      + (alert.embargoUntil.map { ", embargo until \(ISO8601UTC.string(from: $0))" } ?? ""))
                for entry in try store.alertHistory(id: id) {
                    print("  \(ISO8601UTC.string(from: entry.at))  \(entry.actor)  \(entry.action)")
                }
            }
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Write an alert by hand (a draft).")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Option(help: "The title.") var title: String
        @Option(help: "info, moderate, high or critical.") var severity = "high"
        @Option(name: .customLong("summary-file"), help: "The summary, Markdown (\"-\" reads stdin).") var summaryFile: String
        @Option(name: .customLong("measures-file"), help: "Recommended measures, Markdown.") var measuresFile: String?
        @Option(help: "A CVE id (repeatable).") var cve: [String] = []
        @Option(help: "An affected product (repeatable).") var product: [String] = []
        @Option(help: "The required action.") var action: String?
        @Option(help: "Its due date, YYYY-MM-DD.") var due: String?
        @Option(help: "A stored item the alert refers to (repeatable).") var item: [Int64] = []

        func run() throws {
            try reportingFailure {
                guard let level = AlertSeverity(rawValue: severity) else { throw AlertError("--severity is info, moderate, high or critical") }
                func read(_ path: String) throws -> String {
                    let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
                    guard let text = String(data: data, encoding: .utf8) else { throw AlertError("\(path): not UTF-8 text") }
                    return text
                }
                let summary = try read(summaryFile)
                let measures = try measuresFile.map(read)
                let alert = try options.environment().store.createAlert(
                    severity: level, title: title, summary: summary, summaryHTML: try Curator.renderNote(summary), measures: measures,
                    measuresHTML: try measures.map(Curator.renderNote), products: product, cves: cve.map { $0.uppercased() },
                    requiredAction: action, dueDate: due, references: item, actor: who.actor)
                print("\(alert.id): draft written")
            }
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve an alert (not one you wrote).")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "Alert id.") var id: String

        func run() throws {
            try reportingFailure {
                let alert = try options.environment().store.approveAlert(id, actor: who.actor)
                print("\(alert.id): approved by \(alert.approvedBy ?? who.actor)")
            }
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish an approved alert, at once or after an embargo.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "Alert id.") var id: String
        @Option(name: .customLong("embargo-until"), help: "Not on the site before this time (ISO 8601, e.g. 2026-12-01T08:00:00Z).")
        var embargoUntil: String?

        func run() throws {
            try reportingFailure {
                let embargo = try embargoUntil.map { text -> Date in
                    guard let date = ISO8601DateFormatter().date(from: text) else { throw AlertError("--embargo-until \"\(text)\" is not an ISO 8601 time") }
                    return date
                }
                let environment = try options.environment()
                let alert = try environment.store.publishAlert(id, actor: who.actor, requireApproval: environment.settings.alerts.requireApproval,
                                                               embargoUntil: embargo)
                print("\(alert.id): \(alert.status.rawValue)" + (embargo.map { ", on the site from \(ISO8601UTC.string(from: $0))" } ?? "")
                      + " (the next publication puts it on the site)")
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close an alert (it stays on the site, marked closed).")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "Alert id.") var id: String

        func run() throws {
            try reportingFailure {
                let alert = try options.environment().store.closeAlert(id, actor: who.actor)
                print("\(alert.id): closed")
            }
        }
    }
}
