import ArgumentParser
import Config
import Curation
import Foundation
import Model
import Pipeline
import Storage
import Tagging

/// Who acts: `--as NAME`, else $CYBERVEILLE_USER, else the login name; every action is audited
/// under it.
struct ActorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("The editor acting, as the audit log records it (default $CYBERVEILLE_USER, else $USER).", valueName: "NAME"))
    var name: String?

    var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return name ?? environment["CYBERVEILLE_USER"] ?? environment["USER"] ?? "cli"
    }
}

extension CommonOptions {
    /// The curator over this environment's store, knowing the taxonomy's tags.
    func curator() throws -> Curator {
        let environment = try environment()
        let taxonomy = try Taxonomy.load(path: environment.settings.rulesPath)
        return Curator(store: environment.store, knownTags: Set(taxonomy.tags.map(\.id)))
    }
}

/// `items list --state new --tag ransomware --since 2d [--json]`.
struct ItemsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List items by workflow state, tag and age.")
    @OptionGroup var options: CommonOptions
    @Option(help: "new, queued, selected, rejected, published, or all.") var state = "all"
    @Option(help: "Only items with this tag (automatic or added by hand, unless removed by hand).") var tag: String?
    @Option(help: "Only items listed within this long, e.g. 2d, 12h.") var since: String?
    @Option(help: "Full-text search words.") var search: String?
    @Option(help: "Most items listed.") var limit = 100
    @Flag(help: "Print {\"items\": [{\"id\", \"title\", \"source\", \"date\", \"score\", \"state\", \"pinned\", \"tags\", \"urgency\"}]}.") var json = false

    func run() throws {
        try reportingFailure {
            let status: CurationStatus?
            if state == "all" { status = nil } else {
                guard let parsed = CurationStatus(rawValue: state) else {
                    throw CurationError("unknown state \"\(state)\" (expected all, " + CurationStatus.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                status = parsed
            }
            let sinceDate = try since.map { text -> Date in
                guard let seconds = ConfigDuration.seconds(text) else { throw CurationError("--since \"\(text)\" is not a duration such as 2d or 12h") }
                return Date().addingTimeInterval(-TimeInterval(seconds))
            }
            let environment = try options.environment()
            let synonyms = search == nil ? .none : try Taxonomy.load(path: environment.settings.rulesPath).synonyms
            let items = try environment.store.curatedItems(status: status, tag: tag, since: sinceDate, query: search, synonyms: synonyms,
                                                           limit: max(1, limit))
            if json {
                let objects: [[String: Any]] = items.map {
                    ["id": $0.id, "title": $0.title, "source": $0.sourceTitle, "date": ISO8601UTC.string(from: $0.listedAt),
                     "score": ($0.healthScore * 1000).rounded() / 1000, "state": $0.status.rawValue, "pinned": $0.pinned, "tags": $0.tags,
                     "urgency": $0.urgency.name]
                }
                let data = try JSONSerialization.data(withJSONObject: ["items": objects], options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            if items.isEmpty { print("no item") }
            for item in items {
                print("\(item.id)  \(ISO8601UTC.day(from: item.listedAt))  \(item.status.rawValue)\(item.pinned ? " (pinned)" : "")"
                      + "\(item.urgency == .normal ? "" : " [\(item.urgency.name)]")  "
                      + "\(String(format: "%.2f", item.healthScore))  \(item.sourceTitle)  \(item.title)")
            }
        }
    }
}

/// `items select|reject|queue ID… [--note …]`.
struct ItemsDecide: ParsableArguments {
    @OptionGroup var options: CommonOptions
    @OptionGroup var who: ActorOption
    @Argument(help: "Item ids.") var items: [Int64]
    @Option(help: "A note (Markdown) kept with the decision and shown on the item's page.") var note: String?
    @Option(help: "Fail unless the item is still at this version (as shown by items show).") var version: Int?
    @Option(help: "Why (for reject): one of [curation] rejection_reasons, or any short text.") var reason: String?

    func decide(_ target: CurationStatus) throws {
        try reportingFailure {
            let curator = try options.curator()
            for item in items {
                let state = try curator.decide(item, target, actor: who.actor, note: note, reason: reason, expectedVersion: version)
                print("item \(item): \(state.status.rawValue) (version \(state.version))")
            }
        }
    }
}

struct ItemsSelect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "select", abstract: "Select items for the next edition.")
    @OptionGroup var decision: ItemsDecide
    func run() throws { try decision.decide(.selected) }
}

struct ItemsReject: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject items (withdraw a published one).")
    @OptionGroup var decision: ItemsDecide
    func run() throws { try decision.decide(.rejected) }
}

struct ItemsQueue: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "Put items back in the editors' queue.")
    @OptionGroup var decision: ItemsDecide
    func run() throws { try decision.decide(.queued) }
}

/// `items pin ID… [--off]`.
struct ItemsPin: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pin", abstract: "Pin items at the top of the edition (selecting them).")
    @OptionGroup var options: CommonOptions
    @OptionGroup var who: ActorOption
    @Argument(help: "Item ids.") var items: [Int64]
    @Flag(help: "Unpin instead.") var off = false
    @Option(help: "A note (Markdown) for the pinned items.") var note: String?

    func run() throws {
        try reportingFailure {
            let curator = try options.curator()
            for item in items {
                var state = try curator.pin(item, !off, actor: who.actor)
                if let note { state = try curator.edit(item, title: nil, note: note, actor: who.actor) }
                print("item \(item): \(state.pinned ? "pinned" : "not pinned"), \(state.status.rawValue) (version \(state.version))")
            }
        }
    }
}

/// `items handled ID… [--off]`.
struct ItemsHandled: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handled", abstract: "Mark urgent items handled: they leave the home page's « À traiter en priorité » block.")
    @OptionGroup var options: CommonOptions
    @OptionGroup var who: ActorOption
    @Argument(help: "Item ids.") var items: [Int64]
    @Flag(help: "Put them back in the block instead.") var off = false

    func run() throws {
        try reportingFailure {
            let curator = try options.curator()
            for item in items {
                let state = try curator.markHandled(item, !off, actor: who.actor)
                print("item \(item): \(state.handled ? "handled" : "to handle"), \(state.status.rawValue) (version \(state.version))")
            }
        }
    }
}

/// `items edit ID --title … --note-file …`.
struct ItemsEdit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Set an item's title and editor's note.")
    @OptionGroup var options: CommonOptions
    @OptionGroup var who: ActorOption
    @Argument(help: "Item id.") var item: Int64
    @Option(help: "The title shown instead of the source's (\"\" restores it).") var title: String?
    @Option(name: .customLong("note-file"), help: ArgumentHelp("A Markdown file: the editor's note (\"-\" reads stdin).", valueName: "FILE"))
    var noteFile: String?
    @Option(help: "The editor's note (Markdown), inline.") var note: String?
    @Option(help: "Fail unless the item is still at this version.") var version: Int?

    func run() throws {
        try reportingFailure {
            var text = note
            if let noteFile {
                let data = noteFile == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: noteFile))
                guard let decoded = String(data: data, encoding: .utf8) else { throw CurationError("\(noteFile): not UTF-8 text") }
                text = decoded
            }
            guard title != nil || text != nil else { throw CurationError("nothing to change: give --title, --note or --note-file") }
            let state = try options.curator().edit(item, title: title, note: text, actor: who.actor, expectedVersion: version)
            print("item \(item): edited (version \(state.version))")
        }
    }
}

/// `items tag ID +x -y`.
struct ItemsTag: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Add (+tag) or remove (-tag) tags by hand.")
    @OptionGroup var options: CommonOptions
    @OptionGroup var who: ActorOption
    @Argument(help: "Item id.") var item: Int64
    @Argument(parsing: .allUnrecognized, help: "+tag to add, -tag to remove.") var changes: [String] = []

    func run() throws {
        try reportingFailure {
            let state = try options.curator().tag(item, changes, actor: who.actor)
            print("item \(item): added \(state.tagsAdded.joined(separator: " ")); removed \(state.tagsRemoved.joined(separator: " ")) (version \(state.version))")
        }
    }
}

/// `users add NAME --role editor|admin --password-stdin`, `users passwd|remove|list`.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "The editors of the web desk.", subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, Remove.self, List.self])

    static func password() throws -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard var text = String(data: data, encoding: .utf8) else { throw CurationError("the password on stdin is not UTF-8") }
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    static func editors(_ options: CommonOptions) throws -> Editors {
        let environment = try options.environment(createsDatabase: true)
        return Editors(store: environment.store, cost: environment.settings.passwordCost)
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an editor; the password is read on stdin.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "User name.") var name: String
        @Option(help: "editor or admin.") var role = "editor"
        @Flag(name: .customLong("password-stdin"), help: "Read the password on stdin (required: never on the command line).")
        var passwordStdin = false

        func run() throws {
            try reportingFailure {
                guard passwordStdin else { throw CurationError("give --password-stdin and the password on stdin") }
                guard let parsed = AppUser.Role(rawValue: role) else { throw CurationError("--role is editor or admin") }
                try UsersCommand.editors(options).add(name, role: parsed, password: try UsersCommand.password(), actor: who.actor)
                print("user \(name) added (\(parsed.rawValue))")
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Change a password (read on stdin); ends the user's sessions.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "User name.") var name: String
        @Option(help: "Also change the role (editor or admin).") var role: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password on stdin.") var passwordStdin = false

        func run() throws {
            try reportingFailure {
                guard passwordStdin else { throw CurationError("give --password-stdin and the password on stdin") }
                let parsed = try role.map { text -> AppUser.Role in
                    guard let role = AppUser.Role(rawValue: text) else { throw CurationError("--role is editor or admin") }
                    return role
                }
                try UsersCommand.editors(options).changePassword(name, password: try UsersCommand.password(), role: parsed, actor: who.actor)
                print("user \(name): password changed")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an editor (their past actions stay in the audit log).")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "User name.") var name: String

        func run() throws {
            try reportingFailure {
                try UsersCommand.editors(options).remove(name, actor: who.actor)
                print("user \(name) removed")
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Stop an editor from signing in; ends their sessions.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "User name.") var name: String

        func run() throws {
            try reportingFailure {
                try UsersCommand.editors(options).setDisabled(name, true, actor: who.actor)
                print("user \(name) disabled")
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Let a disabled editor sign in again.")
        @OptionGroup var options: CommonOptions
        @OptionGroup var who: ActorOption
        @Argument(help: "User name.") var name: String

        func run() throws {
            try reportingFailure {
                try UsersCommand.editors(options).setDisabled(name, false, actor: who.actor)
                print("user \(name) enabled")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the editors.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailure {
                for user in try options.environment().store.users() {
                    print("\(user.name)  \(user.role.rawValue)  since \(ISO8601UTC.day(from: user.createdAt))"
                          + (user.disabledAt.map { "  disabled since \(ISO8601UTC.day(from: $0))" } ?? ""))
                }
            }
        }
    }
}
