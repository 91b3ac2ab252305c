import Foundation
import Model
import Testing

@testable import Config

private func temporaryFile(_ name: String, _ text: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct SourcesFileTests {
    @Test func readsSourcesWithDefaultsAndLocalPaths() throws {
        let path = try temporaryFile("sources.toml", """
            [defaults]
            interval = "2h"
            language = "fr"

            [[source]]
            id = "certfr-avis"
            title = "CERT-FR"
            url = "https://www.cert.ssi.gouv.fr/avis/feed/"
            critical = true

            [[source]]
            id = "demo"
            url = "demo/feed.xml"
            kind = "atom"
            interval = "30m"
            local = true
            """)
        let sources = try SourcesFile.load(path: path)
        #expect(sources.count == 2)
        #expect(sources[0].interval == 7200)
        #expect(sources[0].language == "fr")
        #expect(sources[0].critical)
        #expect(sources[1].kind == .atom)
        #expect(sources[1].interval == 1800)
        #expect(sources[1].url.hasPrefix("file:///"))
        #expect(sources[1].url.hasSuffix("/demo/feed.xml"))
    }

    @Test(arguments: [
        ("[[source]]\nid = \"a\"\nurl = \"https://x\"\n\n[[source]]\nid = \"a\"\nurl = \"https://y\"\n", 5, "duplicate source id"),
        ("[[source]]\nid = \"a\"\nurl = \"/etc/passwd\"\n", 1, "only sources marked `local = true`"),
        ("[[source]]\nid = \"a\"\nurl = \"https://x\"\nkind = \"csv\"\n", 1, "unknown kind"),
        ("[[source]]\nid = \"a\"\nurl = \"https://x\"\ninterval = \"soon\"\n", 1, "not a duration"),
        ("[[source]]\nid = \"a\"\nurll = \"https://x\"\n", 1, "unknown key `urll`"),
        ("[[source]]\nid = \"Bad Id\"\nurl = \"https://x\"\n", 1, "must use only"),
        ("[[source]\nid = 1\n", 1, "sources.toml:1: "),
        // toml++ (TOMLKit) aborted the process on these (scripts/fuzz sources-toml).
        ("[[source]]\nid = \"a\"\n[\u{10}[source]]\nid = \"b\"\n", 3, "column 2: control character U+0010"),
        ("# commentaire \u{7F}\n[[source]]\n", 1, "control character U+007F"),
        // And on table names neither bare nor quoted; a "[" inside a multi-line string is no header.
        ("[[source]]\nid = \"a\"\nurl = \"https://x\"\ntitle = \"\"\"\n[Ã©]\"\"\"\n[[é]]\n", 6, "a key is letters, digits, _ and -"),
        ("[alerts]\n[\n[source]]\n", 2, "a key is letters, digits, _ and -"),
        ("[[source]]\nid = \"a\"\n[[[so'rce]]\n", 3, "a key is letters, digits, _ and -"),
    ])
    func namesFileAndLineOfEachMistake(text: String, line: Int, fragment: String) throws {
        let path = try temporaryFile("sources.toml", text)
        let error = #expect(throws: ConfigurationError.self) { try SourcesFile.load(path: path) }
        #expect(error?.file == path)
        #expect(error?.line == line)
        #expect(error?.description.contains(fragment) == true)
    }

    @Test func namesAMissingFile() {
        let error = #expect(throws: ConfigurationError.self) { try SourcesFile.load(path: "/nonexistent/sources.toml") }
        #expect(error?.description.hasPrefix("/nonexistent/sources.toml: cannot read") == true)
    }

    @Test func theBundledSourcesFilesLoad() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let production = try SourcesFile.load(path: root.appendingPathComponent("Feeds/sources.toml").path)
        #expect(production.count >= 15)
        #expect(production.allSatisfy { $0.url.hasPrefix("https://") && !$0.local })
        #expect(production.contains { $0.id.hasPrefix("certfr") && $0.critical })
        let demo = try SourcesFile.load(path: root.appendingPathComponent("Feeds/demo/sources.toml").path)
        #expect(demo.count >= 3)
        #expect(demo.allSatisfy { $0.local && $0.url.hasPrefix("file:///") })
    }
}

/// Syntax errors as someone editing the file can act on them: file, line, column, what to write.
@Suite struct TOMLSyntaxMessageTests {
    @Test(arguments: [
        ("[site]\ntitle = \"Veille santé\n", 2, "column 22: a string is not closed: \" missing before the end of the line"),
        ("title = 'Veille\n", 1, "a string is not closed: ' missing"),
        ("[site]\ntitle =\n", 2, "a key without a value: write `key = value`"),
        ("[site\ntitle = \"x\"\n", 1, "a table header is not closed: ] missing"),
        ("[site]\ntitle = \"a\"\ntitle = \"b\"\n", 3, "`title` is given twice: keep one"),
        ("[desk]\nallowed_hosts = [\"a\", \"b\"\n", 2, "column 17: the file ends inside a list [ … ] opened here"),
        ("[desk]\nallowed_hosts = [\"a\", }}}\"b\"]\n", 2, "a value is missing: text in quotes"),
        ("\u{FEFF}[+\n", 1, "a key is letters, digits, _ and -"),
        ("[site]\ntitle = Veille\n", 2, "« Veille » is not a value: text goes in quotes"),
        ("[site]\ntitle = \"a\" \"b\"\n", 2, "one `key = value` per line"),
        ("[site]\n[site]\n", 2, "the table [site] is written twice"),
        // Read recursively: nesting is bounded, in lists and in tables { … } alike.
        ("[site]\nx = " + String(repeating: "[", count: 100) + "\n", 2, "nested more than 64 deep"),
        ("[site]\nx = " + String(repeating: "{a = ", count: 100) + "\n", 2, "nested more than 64 deep"),
        ("[site]\npublish_from_daemon = True\n", 2, "true or false expected (lower case, no quotes)"),
        ("[site]\ntitle \"x\"\n", 2, "`=` expected after the key"),
    ])
    func eachMistakeIsNamedInPlainWords(text: String, line: Int, fragment: String) throws {
        let path = try temporaryFile("cyberveille.toml", text)
        let error = #expect(throws: ConfigurationError.self) { try Settings.resolve(SettingsOverrides(configPath: path), environment: [:]) }
        #expect(error?.description.hasPrefix("\(path):\(line): column ") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "")")
    }

    @Test func theExamplesBaseURLIsPointedOutUnlessAFlagOrTheEnvironmentGivesOne() throws {
        let path = try temporaryFile("cyberveille.toml", "[site]\nbase_url = \"https://veille.example.org/\"\noperator = \"CERT Santé\"\ncontact = \"veille@example.org\"\n")
        #expect(try Settings.resolve(SettingsOverrides(configPath: path), environment: [:]).warnings.first?.contains("base_url is still the example's") == true)
        #expect(try Settings.resolve(SettingsOverrides(configPath: path, baseURL: "https://veille.sante.example/"), environment: [:]).warnings.isEmpty)
        #expect(try Settings.resolve(SettingsOverrides(configPath: path), environment: ["CYBERVEILLE_BASE_URL": "https://a.example/"]).warnings.isEmpty)
    }

    @Test func aSiteSaysWhoRunsItAndHowToReachThem() throws {
        let unnamed = try temporaryFile("cyberveille.toml", "[site]\nbase_url = \"https://veille.sante.example/\"\n")
        #expect(try Settings.resolve(SettingsOverrides(configPath: unnamed), environment: [:]).warnings.first?.contains("[site] operator or contact") == true)
        let logo = try temporaryFile("logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        let named = try temporaryFile("cyberveille.toml", """
            [site]
            base_url = "https://veille.sante.example/"
            operator = "CERT Santé"
            contact = "https://veille.sante.example/contact/"
            logo = "\(logo)"
            accessibility = "partiellement"
            """)
        let site = try Settings.resolve(SettingsOverrides(configPath: named), environment: [:]).site
        #expect(site.operator == "CERT Santé" && site.contact == "https://veille.sante.example/contact/" && site.logoPath == logo)
        #expect(site.accessibility == .partial)
        for (line, fragment) in [("logo = \"logo.gif\"", "SVG or PNG"), ("logo = \"/nowhere/logo.svg\"", "cannot read"),
                                 ("accessibility = \"conforme\"", "\"non\", \"partiellement\", \"totalement\"")] {
            let path = try temporaryFile("cyberveille.toml", "[site]\n\(line)\n")
            let error = #expect(throws: ConfigurationError.self) { try Settings.resolve(SettingsOverrides(configPath: path), environment: [:]) }
            #expect(error?.description.contains(fragment) == true, "\(error?.description ?? "")")
        }
        let demo = try Settings.resolve(SettingsOverrides(demo: true), environment: [:]).site
        #expect(demo.operator.contains("Démonstration") && !demo.contact.isEmpty)
    }

    @Test func defaultsMissingHereAreTakenFromTheInstallation() throws {
        let share = FileManager.default.temporaryDirectory.appendingPathComponent("cv-share-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: share.appendingPathComponent("Templates"), withIntermediateDirectories: true)
        let cwd = FileManager.default.currentDirectoryPath
        let hasOwn = FileManager.default.fileExists(atPath: cwd + "/Templates")
        let settings = try Settings.resolve(SettingsOverrides(shareDirectory: share.path), environment: [:])
        // The repository's own folder comes first when the command runs in it.
        #expect(settings.templatesDirectory == (hasOwn ? "Templates" : share.appendingPathComponent("Templates").path))
        let configured = try temporaryFile("cyberveille.toml", "[paths]\ntemplates = \"mine\"\n")
        #expect(try Settings.resolve(SettingsOverrides(configPath: configured, shareDirectory: share.path), environment: [:]).templatesDirectory == "mine")
    }
}

@Suite struct SettingsTests {
    @Test func flagBeatsEnvironmentWhichBeatsTheConfigFile() throws {
        let config = try temporaryFile("cyberveille.toml", """
            [paths]
            database = "from-config.sqlite"
            output = "config-out"

            [site]
            base_url = "https://veille.example.org"
            """)
        let settings = try Settings.resolve(
            SettingsOverrides(configPath: config, databasePath: "from-flag.sqlite"),
            environment: ["CYBERVEILLE_DB": "from-env.sqlite", "CYBERVEILLE_OUTPUT": "env-out"])
        #expect(settings.databasePath == "from-flag.sqlite")
        #expect(settings.outputDirectory == "env-out")
        #expect(settings.site.baseURL == "https://veille.example.org/")
    }

    @Test func rejectionReasonsAreConfigurable() throws {
        let path = try temporaryFile("cyberveille.toml", "[curation]\nrejection_reasons = [\"doublon\", \"hors sujet\"]\n")
        #expect(try Settings.resolve(SettingsOverrides(configPath: path), environment: [:]).rejectionReasons == ["doublon", "hors sujet"])
        #expect(try Settings.resolve(SettingsOverrides(), environment: [:]).rejectionReasons.contains("doublon"), "a list by default")
        let empty = try temporaryFile("cyberveille.toml", "[curation]\nrejection_reasons = [\"\"]\n")
        #expect(throws: ConfigurationError.self) { try Settings.resolve(SettingsOverrides(configPath: empty), environment: [:]) }
    }

    @Test func theBaseURLsSchemeIsWrittenInLowerCase() throws {
        // Found by scripts/fuzz config-toml: links of the site began with "htTps://".
        let settings = try Settings.resolve(SettingsOverrides(baseURL: "htTPS://veille.example.org/Sante"), environment: [:])
        #expect(settings.site.baseURL == "https://veille.example.org/Sante/")
    }

    @Test func demoUsesItsOwnSourcesAndDatabase() throws {
        let settings = try Settings.resolve(SettingsOverrides(configPath: nil, demo: true), environment: [:])
        #expect(settings.sourcesPath == Settings.demoSources)
        #expect(settings.databasePath == Settings.demoDatabase)
    }

    @Test func alertThresholdsBelowTheObservatorysKAreRefused() throws {
        let low = try temporaryFile("low.toml", "[alerts]\nregional_burst_count = 3\n")
        let error = #expect(throws: ConfigurationError.self) { try Settings.resolve(SettingsOverrides(configPath: low), environment: [:]) }
        #expect(error?.description.contains("regional_burst_count") == true)
        #expect(error?.description.contains("below the observatory's k (5)") == true)
        let raised = try temporaryFile("raised.toml", "[observatory]\nk = 8\n")
        let settings = try Settings.resolve(SettingsOverrides(configPath: raised), environment: [:])
        #expect(settings.alerts.burstCount == 8 && settings.alerts.regionalBurstCount == 8, "defaults follow k")
    }

    @Test func theExampleConfigurationLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let settings = try Settings.resolve(SettingsOverrides(configPath: root.appendingPathComponent("cyberveille.example.toml").path),
                                            environment: [:])
        #expect(settings.observatoryDelayDays == 15 && settings.desk.maxConnections == 4096 && settings.site.remoteImages == .link)
    }

    @Test func readsTheDeskAndImageSettings() throws {
        let path = try temporaryFile("desk.toml", """
            [site]
            remote_images = "drop"
            [desk]
            allowed_hosts = ["Desk.Example.org", "[::1]"]
            trusted_proxies = ["127.0.0.1"]
            idle_timeout = "20s"
            """)
        let settings = try Settings.resolve(SettingsOverrides(configPath: path), environment: [:])
        #expect(settings.site.remoteImages == .drop)
        #expect(settings.desk.allowedHosts == ["desk.example.org", "::1"])
        #expect(settings.desk.trustedProxies == ["127.0.0.1"] && settings.desk.idleTimeoutSeconds == 20)
        let bad = try temporaryFile("bad.toml", "[site]\nremote_images = \"sometimes\"\n")
        #expect(throws: ConfigurationError.self) { try Settings.resolve(SettingsOverrides(configPath: bad), environment: [:]) }
    }

    @Test func rejectsARelativeBaseURL() {
        #expect(throws: ConfigurationError.self) {
            try Settings.resolve(SettingsOverrides(baseURL: "/site/"), environment: [:])
        }
    }
}

@Suite struct SourcesFileEditingTests {
    @Test func appendsAndRemovesKeepingWhatTheOperatorWrote() throws {
        let path = try temporaryFile("sources.toml", """
            # Our sources — keep this comment
            [defaults]
            interval = "2h"

            [[source]]
            id = "a"
            url = "https://a.example/feed"

            [[source]]
            id = "b"  # the second
            url = "https://b.example/feed"
            """)
        let title = "Santé \"quoted\" \\ news"
        try SourcesFileEditing.append([Source(id: "c", title: title, url: "https://c.example/feed", language: "fr", interval: 1800)], to: path)
        try SourcesFileEditing.remove(id: "b", from: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# Our sources — keep this comment"))
        let sources = try SourcesFile.load(path: path)
        #expect(sources.map(\.id) == ["a", "c"])
        #expect(sources[1].title == title)
        #expect(sources[1].interval == 1800)
        #expect(throws: ConfigurationError.self) { try SourcesFileEditing.remove(id: "zzz", from: path) }
        #expect(throws: ConfigurationError.self) { try SourcesFileEditing.append([Source(id: "a", title: "A", url: "https://x")], to: path) }
        #expect(try SourcesFile.load(path: path).count == 2, "a refused edit leaves the file as it was")
    }

    @Test func makesUniqueIdsFromTitles() {
        #expect(SourcesFileEditing.identifier(for: "CERT-FR — Avis de sécurité", taken: []) == "cert-fr-avis-de-securite")
        #expect(SourcesFileEditing.identifier(for: "CERT-FR — Avis de sécurité", taken: ["cert-fr-avis-de-securite"]) == "cert-fr-avis-de-securite-2")
        #expect(SourcesFileEditing.identifier(for: "???", taken: []) == "source")
    }

    @Test func exportsOPMLThatEscapesEverything() {
        let opml = OPMLWriter.document([Source(id: "a", title: "A & <B> \"C\"", url: "https://a.example/?x=1&y=2")], title: "T")
        #expect(opml.contains("text=\"A &amp; &lt;B&gt; &quot;C&quot;\""))
        #expect(opml.contains("xmlUrl=\"https://a.example/?x=1&amp;y=2\""))
    }
}
