import ArgumentParser
import Foundation
import Pipeline

/// `cyberveille db backup|check`: what an operator does to the database.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Back up or check the database.", subcommands: [DatabaseBackup.self, DatabaseCheck.self])
}

struct DatabaseBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the live database to PATH (safe while runs go on).")
    @OptionGroup var options: CommonOptions
    @Argument(help: "The new file.") var path: String

    func run() throws {
        try reportingFailure {
            try options.environment().store.backup(to: path)
            print("\(path): backup written")
        }
    }
}

struct DatabaseCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check integrity and foreign keys; exit non-zero on any problem.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        let problems: [String]
        do {
            let environment = try options.environment()
            problems = try environment.store.check()
            guard problems.isEmpty else {
                problems.forEach { FileHandle.standardError.write(Data("cyberveille: \(environment.settings.databasePath): \($0)\n".utf8)) }
                throw ExitCode.failure
            }
            print("\(environment.settings.databasePath): ok")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }
}

/// `cyberveille stats [--json]`: what the database holds.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts of what the database holds.")
    @OptionGroup var options: CommonOptions
    @Flag(help: "Print one JSON object: {\"feeds\": n, \"items\": n, \"health_items\": n, \"revisions\": n, \"tags\": n}.")
    var json = false

    func run() throws {
        try reportingFailure {
            let counts = try options.environment().store.counts()
            if json {
                let object = ["feeds": counts.feeds, "items": counts.items, "health_items": counts.healthItems,
                              "revisions": counts.revisions, "tags": counts.tags]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("feeds: \(counts.feeds)\nitems: \(counts.items) (\(counts.healthItems) about health)\n"
                      + "revisions: \(counts.revisions)\ntags: \(counts.tags)")
            }
        }
    }
}
