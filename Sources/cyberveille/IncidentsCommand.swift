import ArgumentParser
import Foundation
import Incidents
import Model
import Pipeline
import Storage

/// `cyberveille incidents import|list|show|stats|qualify|support|close` (docs/incidents.md).
struct IncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents", abstract: "Declared incidents: import, follow the cell's work, statistics.",
        subcommands: [Import.self, List.self, Show.self, Stats.self, Qualify.self, Support.self, Close.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Import declarations (CSV with a header, or JSON Lines): all or none.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "The declarations file.") var file: String

        func run() throws {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw fail("\(file): cannot read the file") }
            let declarations: [IncidentDeclaration]
            do {
                declarations = try DeclarationFile.read(data, name: file)
            } catch let errors as DeclarationErrors {
                for error in errors.errors { FileHandle.standardError.write(Data("cyberveille: \(error)\n".utf8)) }
                throw fail("\(file): \(errors.errors.count) mistake(s); nothing imported")
            }
            try reportingFailure {
                let result = try options.environment(createsDatabase: true).store.importIncidents(declarations, actor: who.actor)
                print("\(file): \(declarations.count) declarations: \(result.new) new, \(result.updated) changed (history kept), \(result.unchanged) unchanged")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List declarations (no private field).")
        @OptionGroup var options: CommonOptions
        @Option(help: "received, qualified, support or closed.") var status: String?
        @Flag(help: "Print {\"incidents\": [...]}.") var json = false

        func run() throws {
            try reportingFailure {
                let facts = try options.environment().store.incidentFacts().filter { status == nil || $0.status.rawValue == status }
                if json {
                    let objects: [[String: Any]] = facts.map {
                        ["id": $0.id, "declared_at": ISO8601UTC.string(from: $0.declaredAt), "structure_type": $0.structureType.rawValue,
                         "region": $0.region, "nature": $0.nature.rawValue, "category": $0.category.rawValue,
                         "support_requested": $0.supportRequested, "status": $0.status.rawValue]
                    }
                    let data = try JSONSerialization.data(withJSONObject: ["incidents": objects], options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                for fact in facts {
                    print("\(fact.id)  \(ISO8601UTC.day(from: fact.declaredAt))  \(fact.status.rawValue)  \(fact.structureType.rawValue)  "
                          + "\(fact.region)  \(fact.nature.rawValue)  \(fact.category.rawValue)\(fact.supportRequested ? "  support requested" : "")")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A declaration with its private fields, steps, NIS2 milestones and history.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "Declaration id.") var id: String

        func run() throws {
            try reportingFailure {
                guard let stored = try options.environment().store.incident(id: id) else { throw IncidentError("no declaration \"\(id)\"") }
                let d = stored.declaration
                print("\(d.id)  \(stored.status.rawValue)")
                print("declared \(ISO8601UTC.string(from: d.declaredAt))" + (d.occurredAt.map { ", occurred \(ISO8601UTC.string(from: $0))" } ?? ""))
                print("\(d.structureType.rawValue), region \(d.region)" + (d.structureName.map { " — \($0) (private)" } ?? ""))
                print("nature \(d.nature.rawValue)" + (stored.qualifiedNature.map { " → qualified \($0.rawValue)" } ?? "")
                      + ", category \(d.category.rawValue)" + (stored.qualifiedCategory.map { " → qualified \($0.rawValue)" } ?? ""))
                let category = stored.qualifiedCategory ?? d.category
                print("RSIT: \(category.rsit); NIS2: \(category.nis2)")
                print("care disrupted: \(d.careDisrupted), health data affected: \(d.healthDataAffected), support requested: \(d.supportRequested)"
                      + (d.unavailabilityHours.map { ", unavailable \($0) h" } ?? ""))
                if !d.cves.isEmpty { print("CVE: \(d.cves.joined(separator: ", "))") }
                if !d.products.isEmpty { print("products: \(d.products.joined(separator: ", "))") }
                if let description = d.description { print("description (private): \(description)") }
                let closed = stored.steps.last { $0.step == .closed }?.at
                let milestones = NIS2Milestones(awareness: d.occurredAt ?? d.declaredAt, declaredAt: d.declaredAt, closedAt: closed)
                func met(_ value: Bool?) -> String { value.map { $0 ? "met" : "missed" } ?? "pending" }
                print("NIS2: early warning by \(ISO8601UTC.string(from: milestones.earlyWarningDue)) \(met(milestones.earlyWarningMet)); "
                      + "notification by \(ISO8601UTC.string(from: milestones.notificationDue)) \(met(milestones.notificationMet)); "
                      + "final report by \(ISO8601UTC.day(from: milestones.finalReportDue)) \(met(milestones.finalReportMet))")
                print("steps:")
                for step in stored.steps {
                    print("  \(ISO8601UTC.string(from: step.at))  \(step.step.rawValue)  by \(step.actor)" + (step.note.map { ": \($0)" } ?? ""))
                }
                for revision in stored.revisions {
                    print("changed \(ISO8601UTC.string(from: revision.replacedAt)): \(revision.changed.joined(separator: ", "))")
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "The observatory's figures, small counts withheld.")
        @OptionGroup var options: CommonOptions
        @Option(help: "One year only.") var year: Int?
        @Flag(help: "Print one JSON object.") var json = false

        func run() throws {
            try reportingFailure {
                let environment = try options.environment()
                let observatory = ObservatoryStatistics(k: environment.settings.observatoryK)
                    .observatory(try environment.store.incidentFacts(), year: year)
                func value(_ number: Int?) -> Any { number.map { $0 as Any } ?? NSNull() }
                if json {
                    let object: [String: Any] = [
                        "year": value(observatory.year), "k": observatory.k, "declared": value(observatory.declared),
                        "support_requests": value(observatory.supportRequests), "malicious": value(observatory.malicious),
                        "malicious_percent": value(observatory.maliciousPercent), "care_disrupted": value(observatory.careDisrupted),
                        "health_data_affected": value(observatory.healthDataAffected),
                        "median_days_to_qualification": observatory.medianDaysToQualification.map { $0 as Any } ?? NSNull(),
                        "median_days_to_support": observatory.medianDaysToSupport.map { $0 as Any } ?? NSNull(),
                        "tables": Dictionary(uniqueKeysWithValues: observatory.tables.map { table in
                            (table.id, table.cells.map { ["key": $0.key, "label": $0.label, "count": value($0.count)] as [String: Any] })
                        }),
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    print(String(decoding: data, as: UTF8.self))
                    return
                }
                func text(_ number: Int?) -> String { number.map(String.init) ?? "< \(observatory.k)" }
                print("declared: \(text(observatory.declared)), support requests: \(text(observatory.supportRequests)), "
                      + "malicious: \(observatory.maliciousPercent.map { "\($0) %" } ?? "withheld")")
                for table in observatory.tables {
                    print("\(table.id): " + table.cells.map { "\($0.label) \(text($0.count))" }.joined(separator: ", "))
                }
            }
        }
    }

    struct StepArguments: ParsableArguments {
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "Declaration id.") var id: String
        @Option(help: "What the analyst notes.") var note: String?

        func advance(_ step: IncidentStatus, nature: IncidentNature? = nil, category: IncidentCategory? = nil) throws {
            try reportingFailure {
                try options.environment().store.advanceIncident(id, to: step, actor: who.actor, note: note, nature: nature, category: category)
                print("\(id): \(step.rawValue)")
            }
        }
    }

    struct Qualify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "qualify", abstract: "Confirm or correct nature and category.")
        @OptionGroup var step: StepArguments
        @Option(help: "malveillant, accidentel or inconnu (default: as declared).") var nature: String?
        @Option(help: "A category of the schema (default: as declared).") var category: String?

        func run() throws {
            let parsedNature = try nature.map { text -> IncidentNature in
                guard let value = IncidentNature(rawValue: text) else { throw fail("--nature: one of \(IncidentNature.allCases.map(\.rawValue).joined(separator: ", "))") }
                return value
            }
            let parsedCategory = try category.map { text -> IncidentCategory in
                guard let value = IncidentCategory(rawValue: text) else { throw fail("--category: one of \(IncidentCategory.allCases.map(\.rawValue).joined(separator: ", "))") }
                return value
            }
            try step.advance(.qualified, nature: parsedNature, category: parsedCategory)
        }
    }

    struct Support: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "support", abstract: "Open the support a declaration asked for.")
        @OptionGroup var step: StepArguments
        func run() throws { try step.advance(.support) }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a declaration.")
        @OptionGroup var step: StepArguments
        func run() throws { try step.advance(.closed) }
    }
}
