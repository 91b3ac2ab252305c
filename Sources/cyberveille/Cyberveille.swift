import ArgumentParser

/// The `cyberveille` command: one small file per subcommand, no logic beyond wiring.
@main
struct Cyberveille: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberveille",
        abstract: "Threat watch for the health sector: fetch feeds, tag what concerns health, publish the portal.",
        version: "0.1.0",
        subcommands: [InitCommand.self, RunCommand.self, FetchCommand.self, PublishCommand.self, DaemonCommand.self, ParseCommand.self, FeedsCommand.self,
                      ItemsCommand.self, TagsCommand.self, ClassifyCommand.self, StatsCommand.self, DatabaseCommand.self, AdvisoriesCommand.self,
                      UsersCommand.self, ServeCommand.self, IncidentsCommand.self, AlertsCommand.self,
                      BenchCommand.self])
}
