import Foundation
import Incidents
import Model
import Storage
import Testing
import TestSupport

private func store() throws -> Store {
    try Store(path: FileManager.default.temporaryDirectory.appendingPathComponent("cv-incidents-\(UUID().uuidString).sqlite").path)
}

@Suite struct DeclarationImportTests {
    @Test func theFixtureImportsAndReimportsIdempotently() throws {
        let declarations = try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv")
        #expect(declarations.count == 319)
        #expect(declarations.filter(\.supportRequested).count == 41)
        #expect(declarations.filter { $0.nature == .malveillant }.count == 150)
        #expect(declarations[0].structureName == DeclarationFixture.structureName(0))
        #expect(declarations[0].description == DeclarationFixture.description(0) + ", avec une virgule")
        let store = try store()
        #expect(try store.importIncidents(declarations, actor: "test") == IncidentImportResult(new: 319, updated: 0, unchanged: 0))
        #expect(try store.importIncidents(declarations, actor: "test") == IncidentImportResult(new: 0, updated: 0, unchanged: 319))
        var changed = declarations
        changed[3].category = .rancongiciel
        changed[3].unavailabilityHours = 12
        #expect(try store.importIncidents(changed, actor: "test") == IncidentImportResult(new: 0, updated: 1, unchanged: 318))
        let stored = try #require(try store.incident(id: "ACSS-2025-0004"))
        #expect(stored.declaration.category == .rancongiciel)
        #expect(stored.revisions.count == 1)
        #expect(stored.revisions[0].changed.contains("unavailability_hours"))
    }

    /// Before: a NUL inside a field silently cut the field short.
    @Test func controlCharactersInAFieldAreRefusedWithTheirPlace() throws {
        var lines = DeclarationFixture.csv().split(separator: "\n").prefix(4).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "Récit confidentiel", with: "Récit\u{0}caché")
        lines[3] = lines[3].replacingOccurrences(of: "Centre hospitalier", with: "Centre\u{1B}[2J hospitalier")
        let error = #expect(throws: DeclarationErrors.self) { try DeclarationFile.read(Data(lines.joined(separator: "\n").utf8), name: "nul.csv") }
        let found = error?.errors.map { "\($0.file):\($0.line):\($0.field ?? "")" } ?? []
        #expect(found == ["nul.csv:3:description", "nul.csv:4:structure_name"], "\(found)")
        #expect(error?.description.contains("U+0000") == true)
        let json = #"{"id": "J-1", "declared_at": "2026-02-01", "structure_type": "CHU", "region": "11", "nature": "malveillant", "category": "DDoS", "care_disrupted": false, "health_data_affected": false, "support_requested": true, "description": "a\u0007b"}"#
        #expect(throws: DeclarationErrors.self) { try DeclarationFile.read(Data(json.utf8), name: "bell.jsonl") }
    }

    /// A fuzzed file's seconds, 1e300, trapped the conversion to Int and ended the process.
    @Test(arguments: ["2026-02-01T10:30:1e300", "2026-02-01T10:30:inf", "2026-02-01T10:30+01:99999999999999999",
                      "2026-02-01T10:30:00+01:0000000000000000000060", "2026-02-01T1e3:30", "2026-02-01T10:30:5"])
    func timesOutOfTheirFormAreRefusedNotTrapped(declaredAt: String) throws {
        let json = #"{"id": "J-1", "declared_at": "\#(declaredAt)", "structure_type": "CHU", "region": "11", "nature": "malveillant", "category": "DDoS", "care_disrupted": false, "health_data_affected": false, "support_requested": true}"#
        let error = #expect(throws: DeclarationErrors.self) { try DeclarationFile.read(Data(json.utf8), name: "time.jsonl") }
        #expect(error?.errors.map { "\($0.line):\($0.field ?? "")" } == ["1:declared_at"])
        let good = json.replacingOccurrences(of: declaredAt, with: "2026-02-01T10:30:05.250+01:00")
        #expect(try DeclarationFile.read(Data(good.utf8), name: "time.jsonl").first.map { ISO8601UTC.string(from: $0.declaredAt) } == "2026-02-01T09:30:05Z")
    }

    @Test func aMalformedFileIsRefusedWholeWithEveryLineAndField() throws {
        var lines = DeclarationFixture.csv().split(separator: "\n").prefix(6).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: ",11,", with: ",99,").replacingOccurrences(of: ",84,", with: ",99,")
        lines[4] = lines[4].replacingOccurrences(of: ",true,CVE", with: ",peut-être,CVE").replacingOccurrences(of: ",false,", with: ",peut-être,", options: [], range: nil)
        lines[5] = lines[5].replacingOccurrences(of: ",2025-", with: ",2025-13-", options: [], range: lines[5].range(of: ",2025-"))
        let store = try store()
        do {
            let declarations = try DeclarationFile.read(Data(lines.joined(separator: "\n").utf8), name: "broken.csv")
            _ = try store.importIncidents(declarations, actor: "test")
            Issue.record("a malformed file was imported")
        } catch let errors as DeclarationErrors {
            let found = errors.errors.map { "\($0.line):\($0.field ?? "")" }
            #expect(found.contains("3:region"), "\(errors)")
            #expect(found.contains { $0.hasPrefix("5:") }, "\(errors)")
            #expect(found.contains("6:declared_at"), "\(errors)")
            #expect(errors.description.contains("broken.csv:3: region: \"99\" is not an INSEE region code"))
        }
        #expect(try store.incidentFacts().isEmpty, "nothing of the file was imported, not even its good lines")
    }

    @Test func headerAndJSONLinesMistakesNameTheirPlace() throws {
        #expect(throws: DeclarationErrors.self) { try DeclarationFile.read(Data("id,declared_at,colour\nA,2026-01-01,red\n".utf8), name: "h.csv") }
        let jsonl = """
            {"id": "J-1", "declared_at": "2026-02-01", "structure_type": "CHU", "region": "11", "nature": "malveillant", "category": "DDoS", "care_disrupted": false, "health_data_affected": false, "support_requested": true, "cves": ["CVE-2026-1234"]}
            {"id": "J-2", "declared_at": "2026-02-02", "structure_type": "hôpital", "region": "11", "nature": "malveillant", "category": "DDoS", "care_disrupted": false, "health_data_affected": false, "support_requested": true}
            """
        do {
            _ = try DeclarationFile.read(Data(jsonl.utf8), name: "d.jsonl")
            Issue.record("an unknown structure type was accepted")
        } catch let errors as DeclarationErrors {
            #expect(errors.errors.map(\.line) == [2])
            #expect(errors.errors.first?.field == "structure_type")
        }
        let good = try DeclarationFile.read(Data(jsonl.components(separatedBy: "\n")[0].utf8), name: "d.jsonl")
        #expect(good.first?.cves == ["CVE-2026-1234"])
        #expect(good.first?.supportRequested == true)
    }

    @Test func theCellsStepsAreOrderedDatedAndAttributed() throws {
        let store = try store()
        let declarations = try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv")
        _ = try store.importIncidents(Array(declarations.prefix(45)), actor: "import")
        // ACSS-2025-0001 asked for support; ACSS-2025-0045 did not.
        #expect(throws: IncidentError.self) { try store.advanceIncident("ACSS-2025-0001", to: .support, actor: "ana", note: nil) }
        try store.advanceIncident("ACSS-2025-0001", to: .qualified, actor: "ana", note: "rançongiciel confirmé", nature: .malveillant, category: .rancongiciel)
        try store.advanceIncident("ACSS-2025-0001", to: .support, actor: "ben", note: "équipe mobilisée")
        try store.advanceIncident("ACSS-2025-0001", to: .closed, actor: "ben", note: nil)
        try store.advanceIncident("ACSS-2025-0045", to: .qualified, actor: "ana", note: nil)
        #expect(throws: IncidentError.self) { try store.advanceIncident("ACSS-2025-0045", to: .support, actor: "ana", note: nil) }
        let stored = try #require(try store.incident(id: "ACSS-2025-0001"))
        #expect(stored.steps.map(\.step) == [.received, .qualified, .support, .closed])
        #expect(stored.steps.map(\.actor) == ["import", "ana", "ben", "ben"])
        #expect(stored.qualifiedCategory == .rancongiciel)
        let fact = try #require(try store.incidentFacts().first { $0.id == "ACSS-2025-0001" })
        #expect(fact.category == .rancongiciel && fact.qualifiedAt != nil && fact.closedAt != nil)
    }

    @Test func nis2MilestonesAreCountedFromTheIncident() throws {
        let occurred = Date(timeIntervalSince1970: 1_780_000_000)
        let onTime = NIS2Milestones(awareness: occurred, declaredAt: occurred.addingTimeInterval(20 * 3600),
                                    closedAt: occurred.addingTimeInterval(20 * 86_400), now: occurred.addingTimeInterval(40 * 86_400))
        #expect(onTime.earlyWarningMet == true && onTime.notificationMet == true && onTime.finalReportMet == true)
        let late = NIS2Milestones(awareness: occurred, declaredAt: occurred.addingTimeInterval(50 * 3600), closedAt: nil,
                                  now: occurred.addingTimeInterval(40 * 86_400))
        #expect(late.earlyWarningMet == false && late.notificationMet == true && late.finalReportMet == false)
    }
}

@Suite struct ObservatoryStatisticsTests {
    private func facts() throws -> [IncidentFacts] {
        let store = try store()
        _ = try store.importIncidents(try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv"), actor: "test")
        return try store.incidentFacts()
    }

    @Test func theFirstYearShows319And41And47Percent() throws {
        let observatory = ObservatoryStatistics(k: 5).observatory(try facts())
        #expect(observatory.declared == 319)
        #expect(observatory.supportRequests == 41)
        #expect(observatory.malicious == 150)
        #expect(observatory.maliciousPercent == 47)
    }

    /// Every published count is 0 or at least k; withheld counts of a table are at least two and
    /// add up to at least k, so none can be recomputed from the table's total.
    @Test(arguments: [3, 5, 10, 25])
    func noSmallCountIsPublishedNorRecoverable(k: Int) throws {
        let observatory = ObservatoryStatistics(k: k).observatory(try facts())
        let raw = try facts()
        for table in observatory.tables {
            for cell in table.cells { if let count = cell.count { #expect(count == 0 || count >= k, "\(table.id) \(cell.label) \(count)") } }
            let withheld = table.cells.filter { $0.count == nil }
            guard !withheld.isEmpty else {
                #expect(table.cells.compactMap(\.count).reduce(0, +) == table.total, "\(table.id): the cells add up to the total")
                continue
            }
            #expect(withheld.count >= 2, "\(table.id): a single withheld cell is its total minus the others")
            let published = table.cells.compactMap(\.count).reduce(0, +)
            let recoverable = (table.total ?? raw.count) - published
            #expect(recoverable >= k, "\(table.id): the withheld cells add up to \(recoverable), under k = \(k)")
        }
        // Rare regions and structure types are grouped, not listed one by one.
        let regions = try #require(observatory.tables.first { $0.id == "region" })
        #expect(!regions.cells.contains { $0.label == "Mayotte" })
        #expect(regions.cells.last?.key == "autres")
    }
}
