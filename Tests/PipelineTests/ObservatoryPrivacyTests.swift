import Config
import Foundation
import Incidents
import Logging
import Model
import Storage
import Testing
import TestSupport

@testable import Pipeline


@Suite struct ObservatoryPrivacyTests {
    /// The whole demo site with one year of declarations: the observatory shows 319, 41 and
    /// 47 %, and no structure name nor description is anywhere in Output/.
    @Test func theSiteShowsTheFiguresAndNothingPrivate() throws {
        let (environment, directory) = try demoEnvironment("observatory")
        let declarations = try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv")
        _ = try environment.store.importIncidents(declarations, actor: "test")
        _ = try PublicationRun(environment: environment).execute(.all)

        let output = directory.appendingPathComponent("Output")
        let observatory = try String(contentsOf: output.appendingPathComponent("observatoire/index.html"), encoding: .utf8)
        func figure(_ label: String) -> String? {
            guard let range = observatory.range(of: "<dt>\(label)</dt><dd>") else { return nil }
            return String(observatory[range.upperBound...].prefix { $0 != "<" })
        }
        #expect(figure("Incidents déclarés") == "319")
        #expect(figure("Demandes d'accompagnement") == "41" || figure("Demandes d&#39;accompagnement") == "41")
        #expect(figure("D'origine malveillante") == "47 %" || figure("D&#39;origine malveillante") == "47 %")
        #expect(observatory.contains("<svg") && observatory.contains("role=\"img\""))
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("observatoire/rapport-2025/index.html").path))
        let csv = try String(contentsOf: output.appendingPathComponent("observatoire/donnees-2025.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("table,key,label,count\n"))
        #expect(csv.contains("totals,declared,declared,319"))

        // Nothing private anywhere in the site, whatever the file.
        var files = 0
        let enumerator = try #require(FileManager.default.enumerator(at: output, includingPropertiesForKeys: nil))
        var leaks: [String] = []
        for case let file as URL in enumerator {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            files += 1
            for index in 0..<declarations.count {
                if text.contains(DeclarationFixture.structureName(index)) || text.contains(DeclarationFixture.description(index)) {
                    leaks.append("\(file.lastPathComponent): declaration \(index)")
                    break
                }
            }
            if text.contains("Privé-1") || text.contains("Récit confidentiel") { leaks.append(file.path) }
        }
        #expect(files > 50)
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")
    }

    /// The differencing of the hardening pass: two snapshots of the site a day apart differed by
    /// exactly one declaration, in every table. Now one declaration imported into the closed year
    /// or into the current one changes no published byte.
    @Test func oneMoreDeclarationChangesNothingPublished() throws {
        // Derived alerts reach the site without an editor.
        let (environment, directory) = try demoEnvironment("differencing") { $0.alerts.autoPublishFrom = .moderate }
        _ = try environment.store.importIncidents(try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv"), actor: "t")
        let output = directory.appendingPathComponent("Output")
        let day = ISO8601DateFormatter().date(from: "2026-03-02T08:00:00Z")!

        func snapshot() throws -> [String: Data] {
            try AlertStep(environment: environment).run(now: day)
            _ = try PublicationRun(environment: environment).execute(.publishOnly, now: day)
            var files: [String: Data] = [:]
            let enumerator = try #require(FileManager.default.enumerator(at: output, includingPropertiesForKeys: nil))
            for case let file as URL in enumerator where !file.hasDirectoryPath {
                // The publisher's own files (its manifest records when each file was written) are not the site.
                guard !file.lastPathComponent.hasPrefix(".cyberveille") else { continue }
                files[file.path.replacingOccurrences(of: output.path, with: "")] = try Data(contentsOf: file)
            }
            return files
        }
        func declare(_ id: String, at date: String) throws {
            let line = "\(id),\(date),,CHU,94,malveillant,rançongiciel,true,true,true,12,,,\"Structure seule\",\"Récit\""
            _ = try environment.store.importIncidents(
                try DeclarationFile.read(Data((DeclarationFileHeader.line + "\n" + line + "\n").utf8), name: "one.csv"), actor: "t")
        }

        let before = try snapshot()
        let report = try #require(before["/observatoire/rapport-2025/index.html"].map { String(decoding: $0, as: UTF8.self) })
        #expect(report.contains("319"))
        let home = String(decoding: before["/observatoire/index.html"] ?? Data(), as: UTF8.self)
        #expect(home.contains("Rapport 2026, publié à partir du 16 janvier 2027"), "the current year is announced, not shown")

        try declare("LATE-2025", at: "2025-07-14T10:00:00+02:00")  // into the closed year, after its report
        let afterLate = try snapshot()
        try declare("NEW-2026", at: "2026-03-01T10:00:00+01:00")  // into the current year
        let afterCurrent = try snapshot()
        for (name, after) in [("closed year", afterLate), ("current year", afterCurrent)] {
            let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
            #expect(changed.isEmpty, "\(name): \(changed.prefix(10))")
        }
    }

    @Test func aYearIsPublishedOnlyOnceClosedAndItsLateDeclarationsIn() throws {
        let (environment, directory) = try demoEnvironment("schedule")
        _ = try environment.store.importIncidents(try DeclarationFile.read(Data(DeclarationFixture.csv().utf8), name: "fixture.csv"), actor: "t")
        let report = directory.appendingPathComponent("Output/observatoire/rapport-2025/index.html").path
        for (date, published) in [("2025-12-31T12:00:00Z", false), ("2026-01-10T12:00:00Z", false), ("2026-01-16T12:00:00Z", true)] {
            _ = try PublicationRun(environment: environment).execute(.publishOnly, now: ISO8601DateFormatter().date(from: date)!)
            #expect(FileManager.default.fileExists(atPath: report) == published, "\(date)")
        }
        let csv = try String(contentsOfFile: directory.appendingPathComponent("Output/observatoire/donnees-2025.csv").path, encoding: .utf8)
        #expect(csv.contains("totals,declared,declared,319"))
    }
}
