import Foundation
import Model

/// Everything a command needs to know about where things live and how the site looks.
public struct Settings: Sendable, Equatable {
    public var databasePath: String
    public var outputDirectory: String
    public var sourcesPath: String
    public var templatesDirectory: String
    public var rulesPath: String
    /// The urgency rules as configured (`[paths] urgency_rules`); nil: `urgency.toml` beside the tagging rules.
    public var configuredUrgencyRulesPath: String?
    /// The products recognised in news items' text (`[paths] products`; beside the tagging rules).
    public var configuredProductsPath: String?
    public var productsPath: String {
        configuredProductsPath ?? ((rulesPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("products.toml")
    }
    public var urgencyRulesPath: String {
        configuredUrgencyRulesPath ?? ((rulesPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("urgency.toml")
    }
    public var site: SiteSettings
    public var fetch: FetchSettings
    /// Never-curated, not health-relevant items listed longer ago than this are purged by the
    /// daily run and by `db purge` (nil: never).
    public var purgeAfterSeconds: Int? = 365 * 86_400
    /// CISA's KEV catalog (JSON) and FIRST's EPSS scores (CSV): a path or an http(s) URL each,
    /// or nil when not configured.
    public var kevCatalog: String?
    public var epssScores: String?
    /// Which items need an editor, and which are selected or rejected without one.
    public var curation = CurationPolicy()
    /// The reasons an editor picks from when rejecting (`[curation] rejection_reasons`); they may
    /// also write their own.
    public var rejectionReasons = ["hors du périmètre santé", "doublon", "information ancienne", "source peu fiable", "promotionnel"]
    /// bcrypt cost of editors' passwords (the desk and `users`).
    public var passwordCost = 12
    /// The desk as a server (`[desk]`, docs/curation.md).
    public var desk = DeskSettings()
    /// The observatory's anonymity threshold: counts below it are withheld.
    public var observatoryK = 5
    /// Closed quarters are published beside closed years (`[observatory] quarters`).
    public var observatoryQuarters = false
    /// Days after a period's end before its report is published, so that late declarations are
    /// in it; after that it is fixed (`[observatory] publication_delay`).
    public var observatoryDelayDays = 15
    /// Alert rules' thresholds and publication (`[alerts]`, docs/incidents.md).
    public var alerts = AlertSettings()
    /// Things the configuration lets run but that are surely not meant (the example's base URL):
    /// commands print them on stderr each time.
    public var warnings: [String] = []

    public init(
        databasePath: String, outputDirectory: String, sourcesPath: String, templatesDirectory: String,
        rulesPath: String, site: SiteSettings, fetch: FetchSettings
    ) {
        self.databasePath = databasePath
        self.outputDirectory = outputDirectory
        self.sourcesPath = sourcesPath
        self.templatesDirectory = templatesDirectory
        self.rulesPath = rulesPath
        self.site = site
        self.fetch = fetch
    }
}

public struct SiteSettings: Sendable, Equatable {
    public var title: String
    public var description: String
    /// Absolute URL the site is served from, ending in "/": every link in feeds is built on it.
    public var baseURL: String
    public var language: String
    /// Items in the site's Atom and JSON feeds.
    public var itemsOnHome: Int
    /// The most items the site publishes (newest first): its archive.
    public var archiveItems: Int = 5000
    /// The daemon publishes (incrementally) after a round that tagged items about health, so
    /// that an urgent alert reaches the site within minutes, not the next morning.
    public var publishFromDaemon = true
    /// How many days an urgent item stays in the home page's « À traiter en priorité » block.
    public var priorityDays = 14
    /// IANA time zone the site's days are counted in.
    public var timeZone: String
    /// What the site does with third-party images in items' HTML (`[site] remote_images`).
    public var remoteImages = RemoteImagePolicy.link
    /// Who runs the site, named in its header and footer (`[site] operator`), how to reach them
    /// (`contact`: an e-mail address or a URL), and their logo (`logo`: an SVG or PNG file,
    /// copied into the site). The Marianne and its font are reserved to State services: an
    /// operator who is one adds theirs as this logo.
    public var `operator` = ""
    public var contact = ""
    public var logoPath: String?
    /// The accessibility statement's conformity level (RGAA): without an audit, "non".
    public var accessibility = AccessibilityConformity.none

    public init(title: String, description: String, baseURL: String, language: String, itemsOnHome: Int,
                timeZone: String = "Europe/Paris") {
        self.title = title
        self.description = description
        self.baseURL = baseURL
        self.language = language
        self.itemsOnHome = itemsOnHome
        self.timeZone = timeZone
    }
}

/// The RGAA conformity a site may claim: « non conforme » until an audit says otherwise.
public enum AccessibilityConformity: String, Sendable, Equatable, CaseIterable {
    case none = "non", partial = "partiellement", full = "totalement"
}

/// Images in items' HTML are hosted by third parties: loading them tells those hosts who reads
/// the watch and when (a tracking pixel does nothing else).
public enum RemoteImagePolicy: String, Sendable, Equatable, CaseIterable {
    /// Each image becomes a link to it, labelled by its alternative text (the default).
    case link
    /// Images are left out.
    case drop
    /// Images are loaded from their hosts, as the feed had them.
    case load
}

/// `[desk]`: who may reach the desk, and how much it takes before it stops answering.
public struct DeskSettings: Sendable, Equatable {
    /// Host names the desk answers for (nil: loopback names and the address it listens on).
    public var allowedHosts: [String]?
    /// Reverse proxies whose X-Forwarded-For names the client.
    public var trustedProxies: [String] = []
    /// Open connections at most (also kept under the process's file limit).
    public var maxConnections = 4096
    /// A connection that sends no complete request for this long is closed.
    public var idleTimeoutSeconds = 15
    /// A request's body must arrive within this.
    public var bodyTimeoutSeconds = 10

    public init() {}
}

public struct FetchSettings: Sendable, Equatable {
    /// URL that the User-Agent points server operators to.
    public var contactURL: String
    public var timeoutSeconds: Int
    public var connectTimeoutSeconds: Int
    public var maxBodyBytes: Int
    public var maxConnections: Int
    public var maxConnectionsPerHost: Int
    /// Let every source reach loopback and private addresses (intranet deployments, tests).
    public var allowPrivateNetworks: Bool
    /// A critical source (national CERTs) without a success for this long is reported loudly.
    public var criticalSilenceSeconds: Int = 24 * 3600

    public init(contactURL: String, timeoutSeconds: Int, connectTimeoutSeconds: Int, maxBodyBytes: Int,
                maxConnections: Int, maxConnectionsPerHost: Int, allowPrivateNetworks: Bool = false) {
        self.contactURL = contactURL
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.allowPrivateNetworks = allowPrivateNetworks
    }
}

/// What the command line says, before environment, config file and defaults fill the rest.
public struct SettingsOverrides: Sendable {
    public var configPath: String?
    public var databasePath: String?
    public var outputDirectory: String?
    public var sourcesPath: String?
    public var baseURL: String?
    /// Use the bundled demo sources (Feeds/demo) and a database of their own.
    public var demo: Bool
    public var allowPrivateNetworks: Bool
    /// Where an installation keeps its default templates, rules and demo feeds
    /// (`PREFIX/share/cyberveille`): a default path missing from the working folder is taken
    /// from there. The environment's `CYBERVEILLE_SHARE` comes first.
    public var shareDirectory: String?

    public init(configPath: String? = nil, databasePath: String? = nil, outputDirectory: String? = nil,
                sourcesPath: String? = nil, baseURL: String? = nil, demo: Bool = false, allowPrivateNetworks: Bool = false,
                shareDirectory: String? = nil) {
        self.shareDirectory = shareDirectory
        self.configPath = configPath
        self.databasePath = databasePath
        self.outputDirectory = outputDirectory
        self.sourcesPath = sourcesPath
        self.baseURL = baseURL
        self.demo = demo
        self.allowPrivateNetworks = allowPrivateNetworks
    }
}

extension Settings {
    public static let defaultConfigFile = "cyberveille.toml"
    /// The base URL of cyberveille.example.toml, which no real site has.
    public static let exampleBaseURL = "https://veille.example.org/"
    public static let defaultDatabase = "var/cyberveille.sqlite"
    public static let demoDatabase = "var/demo.sqlite"
    public static let demoSources = "Feeds/demo/sources.toml"
    /// Fictitious KEV entries for the demo feeds' CVEs, so that the demo shows the badges offline.
    public static let demoKEVCatalog = "Feeds/demo/known_exploited_vulnerabilities.json"

    /// Precedence: flag, then environment (`CYBERVEILLE_*`), then the config file, then defaults.
    /// Relative paths are taken from the working directory, like those of any command.
    public static func resolve(_ overrides: SettingsOverrides, environment: [String: String]) throws -> Settings {
        let explicitConfig = overrides.configPath ?? environment["CYBERVEILLE_CONFIG"]
        let configPath = explicitConfig ?? defaultConfigFile
        let config: TOMLFile?
        if explicitConfig != nil || FileManager.default.fileExists(atPath: configPath) {
            config = try TOMLFile(path: configPath)
        } else {
            config = nil
        }
        return try resolve(overrides, environment: environment, config: config, configPath: configPath)
    }

    /// The settings from a configuration file already read (or none), named `configPath` in errors.
    static func resolve(_ overrides: SettingsOverrides, environment: [String: String], config: TOMLFile?,
                        configPath: String) throws -> Settings {
        try config?.rootEntry.checkKeys(["paths", "site", "fetch", "retention", "enrichment", "curation", "desk", "observatory", "alerts"])
        let paths = try config?.table("paths")
        try paths?.checkKeys(["database", "output", "sources", "templates", "rules", "urgency_rules", "products"])
        let site = try config?.table("site")
        try site?.checkKeys(["title", "description", "base_url", "language", "items_on_home", "archive_items", "time_zone", "publish_from_daemon",
                                "priority_days", "remote_images", "operator", "contact", "logo", "accessibility"])
        let fetch = try config?.table("fetch")
        try fetch?.checkKeys(["contact_url", "timeout", "connect_timeout", "max_body_bytes", "max_connections", "max_connections_per_host",
                              "allow_private_networks", "critical_silence"])

        // A default that is not in the working folder (the repository's layout) is taken from
        // the installation's share folder when it is there: an installed binary runs anywhere.
        let share = environment["CYBERVEILLE_SHARE"].flatMap { $0.isEmpty ? nil : $0 } ?? overrides.shareDirectory
        func installed(_ relative: String) -> String {
            guard let share, !FileManager.default.fileExists(atPath: relative) else { return relative }
            let candidate = URL(fileURLWithPath: share).appendingPathComponent(relative).path
            return FileManager.default.fileExists(atPath: candidate) ? candidate : relative
        }
        func pick(_ flag: String?, _ variable: String, _ configured: String?, _ fallback: String) -> String {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[variable], !value.isEmpty { return value }
            return configured ?? fallback
        }
        let demo = overrides.demo
        let database = pick(overrides.databasePath, "CYBERVEILLE_DB",
                            demo ? nil : try paths?.string("database"), demo ? demoDatabase : defaultDatabase)
        let sources = pick(overrides.sourcesPath, "CYBERVEILLE_SOURCES",
                           demo ? nil : try paths?.string("sources"), installed(demo ? demoSources : "Feeds/sources.toml"))
        let output = pick(overrides.outputDirectory, "CYBERVEILLE_OUTPUT", try paths?.string("output"), "Output")
        var baseURL = pick(overrides.baseURL, "CYBERVEILLE_BASE_URL", try site?.string("base_url"), "http://localhost:8000/")
        guard let scheme = URL(string: baseURL)?.scheme?.lowercased(), scheme == "http" || scheme == "https",
              URL(string: baseURL)?.host != nil else {
            throw ConfigurationError(file: overrides.baseURL != nil ? "--base-url" : configPath,
                                     "base URL \"\(baseURL)\" must be an absolute http(s) URL")
        }
        if !baseURL.hasSuffix("/") { baseURL += "/" }
        // The scheme as every link of the site writes it ("HTTPS://" is the same address).
        baseURL = scheme + baseURL.drop { $0 != ":" }
        var warnings: [String] = []
        if overrides.baseURL == nil, environment["CYBERVEILLE_BASE_URL"] == nil, try site?.string("base_url") == exampleBaseURL {
            warnings.append("\(configPath): [site] base_url is still the example's, \(exampleBaseURL): every link of the site's feeds "
                            + "points there; set it to the address the site is served from")
        }

        func seconds(_ entry: TOMLEntry?, _ key: String, _ fallback: Int) throws -> Int {
            guard let text = try entry?.string(key) else { return fallback }
            guard let value = ConfigDuration.seconds(text) else {
                throw entry!.error("`\(key)` \"\(text)\" is not a duration such as 30s or 2m")
            }
            return value
        }

        func positive(_ entry: TOMLEntry?, _ key: String, _ fallback: Int) throws -> Int {
            guard let value = try entry?.int(key) else { return fallback }
            guard value > 0 else { throw entry!.error("`\(key)` must be a positive integer") }
            return value
        }

        var fetchSettings = FetchSettings(
            contactURL: try fetch?.string("contact_url") ?? "https://github.com/cyberveille/cyberveille",
            timeoutSeconds: try seconds(fetch, "timeout", 60),
            connectTimeoutSeconds: try seconds(fetch, "connect_timeout", 15),
            maxBodyBytes: try positive(fetch, "max_body_bytes", 20 << 20),
            maxConnections: try positive(fetch, "max_connections", 16),
            maxConnectionsPerHost: try positive(fetch, "max_connections_per_host", 2),
            allowPrivateNetworks: try overrides.allowPrivateNetworks || (fetch?.bool("allow_private_networks") ?? false))
        fetchSettings.criticalSilenceSeconds = try seconds(fetch, "critical_silence", 24 * 3600)
        let retention = try config?.table("retention")
        try retention?.checkKeys(["purge_after"])
        let purgeAfter: Int? = try retention?.string("purge_after") == "never" ? nil : try seconds(retention, "purge_after", 365 * 86_400)

        var settings = Settings(
            databasePath: database,
            outputDirectory: output,
            sourcesPath: sources,
            templatesDirectory: try paths?.string("templates") ?? installed("Templates"),
            rulesPath: try paths?.string("rules") ?? installed("Feeds/tagging.toml"),
            site: SiteSettings(
                title: try site?.string("title") ?? "Cyberveille santé",
                description: try site?.string("description")
                    ?? "Veille quotidienne des menaces et vulnérabilités qui concernent les établissements de santé.",
                baseURL: baseURL,
                language: try site?.string("language") ?? "fr",
                itemsOnHome: try positive(site, "items_on_home", 50),
                timeZone: try site?.string("time_zone") ?? "Europe/Paris"),
            fetch: fetchSettings)
        settings.purgeAfterSeconds = purgeAfter
        settings.warnings = warnings
        settings.configuredUrgencyRulesPath = try paths?.string("urgency_rules")
        settings.configuredProductsPath = try paths?.string("products")
        settings.site.archiveItems = try positive(site, "archive_items", 5000)
        settings.site.publishFromDaemon = try site?.bool("publish_from_daemon") ?? true
        settings.site.priorityDays = try positive(site, "priority_days", 14)
        if let policy = try site?.string("remote_images") {
            guard let value = RemoteImagePolicy(rawValue: policy) else {
                throw site!.error("`remote_images` is " + RemoteImagePolicy.allCases.map(\.rawValue).joined(separator: ", ") + ", not \"\(policy)\"")
            }
            settings.site.remoteImages = value
        }
        settings.site.operator = try site?.string("operator") ?? (demo ? "Démonstration cyberveille (données fictives)" : "")
        settings.site.contact = try site?.string("contact") ?? (demo ? "contact@veille.example.org" : "")
        if config != nil, !demo, settings.site.operator.isEmpty || settings.site.contact.isEmpty {
            settings.warnings.append("\(configPath): [site] operator or contact is not set: the site's header, footer and legal pages "
                                     + "name nobody to write to")
        }
        if let logo = try site?.string("logo"), !logo.isEmpty {
            let ext = URL(fileURLWithPath: logo).pathExtension.lowercased()
            guard ["svg", "png"].contains(ext) else { throw site!.error("`logo` is an SVG or PNG file, not \"\(logo)\"") }
            guard FileManager.default.isReadableFile(atPath: logo) else { throw site!.error("`logo`: cannot read \"\(logo)\"") }
            settings.site.logoPath = logo
        }
        if let level = try site?.string("accessibility") {
            guard let value = AccessibilityConformity(rawValue: level) else {
                throw site!.error("`accessibility` is " + AccessibilityConformity.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                                  + " (conforme, as the RGAA audit says), not \"\(level)\"")
            }
            settings.site.accessibility = value
        }
        let enrichment = try config?.table("enrichment")
        try enrichment?.checkKeys(["kev", "epss"])
        // The demo needs no network, whatever the configuration says: its own fictitious catalog.
        settings.kevCatalog = demo ? installed(demoKEVCatalog) : try enrichment?.string("kev").flatMap { $0.isEmpty ? nil : $0 }
        settings.epssScores = demo ? nil : try enrichment?.string("epss").flatMap { $0.isEmpty ? nil : $0 }
        let curation = try config?.table("curation")
        try curation?.checkKeys(["queue_threshold", "auto_select_threshold", "auto_select_known_exploited", "floor", "publish_unreviewed",
                                 "rejection_reasons"])
        if let reasons = try curation?.strings("rejection_reasons") {
            guard reasons.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0.count <= 200 }) else {
                throw curation!.error("`rejection_reasons` lists short texts (at most 200 characters), none empty")
            }
            settings.rejectionReasons = reasons
        }
        func fraction(_ key: String, _ fallback: Double) throws -> Double {
            guard let value = try curation?.double(key) else { return fallback }
            guard (0...1).contains(value) else { throw curation!.error("`\(key)` must be between 0 and 1") }
            return value
        }
        settings.curation = CurationPolicy(
            queueThreshold: try fraction("queue_threshold", 0.5),
            autoSelectThreshold: try curation?.double("auto_select_threshold") == nil ? nil : try fraction("auto_select_threshold", 1),
            autoSelectKnownExploited: try curation?.bool("auto_select_known_exploited") ?? true,
            floor: try fraction("floor", 0.05), publishUnreviewed: try curation?.bool("publish_unreviewed") ?? true)
        let desk = try config?.table("desk")
        try desk?.checkKeys(["password_cost", "allowed_hosts", "trusted_proxies", "max_connections", "idle_timeout", "body_timeout"])
        if let cost = try desk?.int("password_cost") {
            guard (4...31).contains(cost) else { throw desk!.error("`password_cost` must be between 4 and 31 (bcrypt)") }
            settings.passwordCost = cost
        }
        if let hosts = try desk?.strings("allowed_hosts") {
            guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty && !$0.contains(where: { $0 == "/" || $0.isWhitespace }) }) else {
                throw desk!.error("`allowed_hosts` lists host names or addresses, without scheme, path or port")
            }
            settings.desk.allowedHosts = hosts.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
        }
        settings.desk.trustedProxies = try desk?.strings("trusted_proxies") ?? []
        settings.desk.maxConnections = try positive(desk, "max_connections", 4096)
        settings.desk.idleTimeoutSeconds = try seconds(desk, "idle_timeout", 15)
        settings.desk.bodyTimeoutSeconds = try seconds(desk, "body_timeout", 10)
        guard settings.desk.idleTimeoutSeconds > 0, settings.desk.bodyTimeoutSeconds > 0 else {
            throw desk!.error("`idle_timeout` and `body_timeout` must be longer than 0s")
        }
        let alerts = try config?.table("alerts")
        try alerts?.checkKeys(["burst_count", "regional_burst_count", "burst_days", "auto_publish_from", "require_approval"])
        settings.alerts.burstCount = try positive(alerts, "burst_count", 5)
        settings.alerts.regionalBurstCount = try positive(alerts, "regional_burst_count", 5)
        settings.alerts.burstDays = try positive(alerts, "burst_days", 7)
        settings.alerts.requireApproval = try alerts?.bool("require_approval") ?? true
        if let level = try alerts?.string("auto_publish_from"), level != "none" {
            guard let severity = AlertSeverity(rawValue: level) else {
                throw alerts!.error("`auto_publish_from` is none, " + AlertSeverity.allCases.map(\.rawValue).joined(separator: ", "))
            }
            settings.alerts.autoPublishFrom = severity
        }
        let observatory = try config?.table("observatory")
        try observatory?.checkKeys(["k", "quarters", "publication_delay"])
        if let k = try observatory?.int("k") {
            guard (2...1000).contains(k) else { throw observatory!.error("`k` must be between 2 and 1000") }
            settings.observatoryK = k
        }
        settings.observatoryQuarters = try observatory?.bool("quarters") ?? false
        settings.observatoryDelayDays = try seconds(observatory, "publication_delay", 15 * 86_400) / 86_400
        // An alert that fires for fewer declarations than k tells what the observatory withholds.
        // Thresholds left to their defaults follow k; configured ones below it are refused.
        if try alerts?.int("burst_count") == nil { settings.alerts.burstCount = max(settings.alerts.burstCount, settings.observatoryK) }
        if try alerts?.int("regional_burst_count") == nil {
            settings.alerts.regionalBurstCount = max(settings.alerts.regionalBurstCount, settings.observatoryK)
        }
        for (key, value) in [("burst_count", settings.alerts.burstCount), ("regional_burst_count", settings.alerts.regionalBurstCount)]
        where value < settings.observatoryK {
            throw (alerts ?? observatory)!.error("`\(key)` is \(value), below the observatory's k (\(settings.observatoryK)): "
                + "an alert would disclose fewer declarations than the observatory may publish")
        }
        return settings
    }
}

public struct AlertSettings: Sendable, Equatable {
    public var burstCount = 5
    public var regionalBurstCount = 5
    public var burstDays = 7
    /// Derived alerts from this severity on are published without an editor (nil: none is).
    public var autoPublishFrom: AlertSeverity?
    /// Publishing an alert needs a second editor's approval.
    public var requireApproval = true

    public init() {}
}
