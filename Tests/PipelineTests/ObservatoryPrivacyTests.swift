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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-observatory-\(UUID().uuidString)")
        let settings = try demoSettings(in: directory)
        let environment = try RunEnvironment(settings: settings, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
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
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("observatoire/rapport-2026/index.html").path))
        let csv = try String(contentsOf: output.appendingPathComponent("observatoire/donnees-2026.csv"), encoding: .utf8)
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
}
