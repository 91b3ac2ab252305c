import ArgumentParser
import Foundation
import Model
import Pipeline
import Storage

/// `cyberveille db backup|restore|check|purge`: what an operator does to the database.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Back up, restore, check or purge the database.", subcommands: [DatabaseBackup.self, DatabaseRestore.self, DatabaseCheck.self, DatabasePurge.self])
}

struct DatabaseBackup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the live database (safe while runs go on).",
        discussion: """
            PATH is a new file; with --force, a file replaced at once (written beside it, checked, renamed). A folder \
            (existing, or written with a trailing /) receives a dated copy, cyberveille-YYYYMMDD-HHMMSSZ.sqlite (UTC), and \
            with --keep N only the newest N such copies stay: the nightly cron line of docs/operations.md.
            """)
    @OptionGroup var options: CommonOptions
    @Argument(help: "The new file, or a folder of dated copies.") var path: String
    @Option(help: "In a folder: keep only the newest N dated copies.") var keep: Int?
    @Flag(help: "Replace PATH if it exists.") var force = false

    var isFolder: Bool {
        var directory: ObjCBool = false
        return path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue)
    }

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep is at least 1") }
        if keep != nil && !isFolder { throw ValidationError("--keep applies to a folder of dated copies (\(path) is not a folder; end it with / to create one)") }
        if force && isFolder { throw ValidationError("--force replaces a file; \(path) is a folder") }
    }

    func run() throws {
        try reportingFailure {
            let store = try options.environment().store
            if isFolder {
                let (copy, removed) = try store.backup(intoFolder: path, keep: keep)
                print("\(copy): backup written" + (removed.isEmpty ? "" : "; \(removed.count) older removed, the newest \(keep ?? 0) kept"))
            } else {
                try force ? store.backup(replacing: path) : store.backup(to: path)
                print("\(path): backup written")
            }
        }
    }
}

struct DatabaseRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Put a backup in the place of the database, keeping the one replaced.",
        discussion: """
            The copy is checked first (integrity, foreign keys, a cyberveille database this version can open). Refused \
            while the daemon, the desk or a run has the database open: stop them first. The database replaced stays \
            beside it as DATABASE.replaced-YYYYMMDD-HHMMSSZ (with its -wal).
            """)
    @OptionGroup var options: CommonOptions
    @Argument(help: "The backup to restore.") var file: String

    func run() throws {
        try reportingFailure {
            let settings = try options.settings()  // the database itself is not opened: that would hold it
            let replaced = try Store.restore(from: file, to: settings.databasePath)
            print("\(settings.databasePath): restored from \(file)" + (replaced.map { "; the database replaced is kept as \($0)" } ?? ""))
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
    @Flag(help: "Print one JSON object: {\"feeds\": n, \"items\": n, \"stories\": n, \"health_items\": n, \"revisions\": n, \"tags\": n, \"tombstones\": n}.")
    var json = false

    func run() throws {
        try reportingFailure {
            let counts = try options.environment().store.counts()
            if json {
                let object = ["feeds": counts.feeds, "items": counts.items, "stories": counts.stories,
                              "health_items": counts.healthItems, "revisions": counts.revisions, "tags": counts.tags,
                              "tombstones": counts.tombstones]
                print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            } else {
                print("feeds: \(counts.feeds)\nitems: \(counts.items) (\(counts.healthItems) about health)\n"
                      + "stories: \(counts.stories)\nrevisions: \(counts.revisions)\ntags: \(counts.tags)\n"
                      + "tombstones: \(counts.tombstones)")
            }
        }
    }
}

/// `cyberveille db purge [--dry-run] [--json]`: the retention policy, now (the daily run applies it too).
struct DatabasePurge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Purge items older than retention.purge_after that are not health-relevant (see docs/retention.md).",
        discussion: "Each purged item leaves a tombstone, so a feed that still carries it does not bring it back.")
    @OptionGroup var options: CommonOptions
    @Flag(help: "Count what would be purged; change nothing.") var dryRun = false
    @Flag(help: "Print one JSON object: {\"items_purged\": n, \"stories_removed\": n, \"dry_run\": bool}.") var json = false

    func run() throws {
        try reportingFailure {
            let environment = try options.environment()
            guard let purgeAfter = environment.settings.purgeAfterSeconds else {
                print(json ? #"{"dry_run":\#(dryRun),"items_purged":0,"stories_removed":0}"# : "retention.purge_after is \"never\": nothing purged")
                return
            }
            let cutoff = Date().addingTimeInterval(-TimeInterval(purgeAfter))
            let result = try environment.store.purge(listedBefore: cutoff, dryRun: dryRun)
            if json {
                print(#"{"dry_run":\#(dryRun),"items_purged":\#(result.itemsPurged),"stories_removed":\#(result.storiesRemoved)}"#)
            } else {
                print("\(dryRun ? "would purge" : "purged") \(result.itemsPurged) items listed before \(ISO8601UTC.day(from: cutoff))"
                      + " (\(result.storiesRemoved) stories emptied)")
            }
        }
    }
}
