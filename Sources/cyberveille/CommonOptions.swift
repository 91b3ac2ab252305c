import ArgumentParser
import Config
import Foundation
import Logging
import Pipeline

/// Options shared by every command that touches the database, the sources or the site.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file (env CYBERVEILLE_CONFIG; default ./cyberveille.toml when present).", valueName: "FILE"))
    var configPath: String?

    @Option(name: .customLong("db"), help: ArgumentHelp("SQLite database (env CYBERVEILLE_DB; default var/cyberveille.sqlite).", valueName: "PATH"))
    var databasePath: String?

    @Option(name: .customLong("output"), help: ArgumentHelp("Folder the site is written to (env CYBERVEILLE_OUTPUT; default Output).", valueName: "DIR"))
    var outputDirectory: String?

    @Option(name: .customLong("sources"), help: ArgumentHelp("Sources file (env CYBERVEILLE_SOURCES; default Feeds/sources.toml).", valueName: "FILE"))
    var sourcesPath: String?

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Absolute URL the site is served from (env CYBERVEILLE_BASE_URL).", valueName: "URL"))
    var baseURL: String?

    @Flag(name: .customLong("demo"), help: "Use the bundled demo feeds of Feeds/demo (no network) and their own database, var/demo.sqlite.")
    var demo = false

    @Flag(name: .shortAndLong, help: "Log each feed as it is read.")
    var verbose = false

    @Flag(name: .customLong("allow-private-networks"),
          help: "Let every source reach loopback and private addresses (refused by default, except for sources marked local).")
    var allowPrivateNetworks = false

    var overrides: SettingsOverrides {
        SettingsOverrides(configPath: configPath, databasePath: databasePath, outputDirectory: outputDirectory,
                          sourcesPath: sourcesPath, baseURL: baseURL, demo: demo, allowPrivateNetworks: allowPrivateNetworks,
                          shareDirectory: Installation.shareDirectory)
    }

    func settings() throws -> Settings {
        try Settings.resolve(overrides, environment: ProcessInfo.processInfo.environment)
    }

    /// The settings, the logger and the opened database. Only the commands that fill a database
    /// (`run`, `fetch`, `publish`, `daemon`, `users`, `incidents import`) pass `createsDatabase`:
    /// any other, run from the wrong folder, says there is no database rather than create an
    /// empty one and report on it.
    func environment(verboseByDefault: Bool = false, createsDatabase: Bool = false) throws -> RunEnvironment {
        let level: Logger.Level = verbose || verboseByDefault ? .info : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let settings = try settings()
        for warning in settings.warnings { FileHandle.standardError.write(Data("cyberveille: warning: \(warning)\n".utf8)) }
        if !createsDatabase && !FileManager.default.fileExists(atPath: settings.databasePath) {
            throw MissingDatabase(path: settings.databasePath)
        }
        return try RunEnvironment(settings: settings, logger: Logger(label: "cyberveille"))
    }
}

/// A command that reads the database was pointed at a path that holds none.
struct MissingDatabase: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "\(path): no database here (run from the site's folder, name it with --db or CYBERVEILLE_DB, or create it with `cyberveille run`)"
    }
}

/// Runs a command's work: any error becomes one line on stderr and a non-zero exit.
func reportingFailure<T>(_ work: () throws -> T) throws -> T {
    do {
        return try work()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        throw fail(error)
    }
}

/// Prints one line on stderr and exits non-zero: how every command reports what stopped it.
func fail(_ message: Any) -> ExitCode {
    FileHandle.standardError.write(Data("cyberveille: \(message)\n".utf8))
    return ExitCode.failure
}
