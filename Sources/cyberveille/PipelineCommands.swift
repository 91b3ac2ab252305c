import ArgumentParser
import Foundation
import Pipeline

/// Runs some stages of the publication and prints the summary.
private func runStages(_ stages: PublicationRun.Stages, options: CommonOptions, force: Bool, json: Bool, full: Bool = false) throws {
    let (summary, sourcesPath) = try reportingFailure {
        let environment = try options.environment(createsDatabase: true)
        return (try PublicationRun(environment: environment, force: force, fullSiteRebuild: full).execute(stages),
                environment.settings.sourcesPath)
    }
    print(summary.text)
    if json { print(summary.json) }
    if let down = summary.feedsDown {
        FileHandle.standardError.write(Data("cyberveille: \(sourcesPath): \(down)\n".utf8))
        throw ExitCode(RunSummary.feedsDownStatus)
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The daily publication: fetch due feeds, parse, store, tag, and render the site.",
        discussion: """
            Exits with status 1 when the site could not be published, and with status 3 after publishing when every \
            source polled failed, or every critical one (the reason on stderr). Failing feeds are otherwise reported \
            and retried later.
            """)

    @OptionGroup var options: CommonOptions
    @Flag(help: "Poll every enabled source, due or not.") var all = false
    @Flag(help: "Print the summary as one JSON object on the last line.") var json = false

    func run() throws { try runStages(.all, options: options, force: all, json: json) }
}

struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Fetch due feeds, parse, store and tag their items, without publishing.")

    @OptionGroup var options: CommonOptions
    @Flag(help: "Poll every enabled source, due or not.") var all = false
    @Flag(help: "Print the summary as one JSON object on the last line.") var json = false

    func run() throws { try runStages(.fetchOnly, options: options, force: all, json: json) }
}

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Render the site from the database, without fetching.")

    @OptionGroup var options: CommonOptions
    @Flag(help: "Print the summary as one JSON object on the last line.") var json = false
    @Flag(help: "Put back the site as it was before the last publication (again: undo the rollback).") var rollback = false
    @Flag(help: "Rebuild the site and the previous folder beside it from nothing, whatever is on disk.") var full = false

    func validate() throws {
        if rollback && full { throw ValidationError("--rollback and --full do not go together") }
    }

    func run() throws {
        guard rollback else { return try runStages(.publishOnly, options: options, force: false, json: json, full: full) }
        try reportingFailure {
            let environment = try options.environment()
            try PublicationRun(environment: environment).rollbackSite()
            print("\(environment.settings.outputDirectory): previous site restored")
        }
    }
}
