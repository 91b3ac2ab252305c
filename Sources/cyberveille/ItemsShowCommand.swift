import ArgumentParser
import Foundation
import Model
import Pipeline
import Storage

/// `cyberveille items show ID [--json]`: one item, its tags, its story's sources and its history.
struct ItemsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show an item: text, tags, every source of its story, earlier versions.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "The item's id (as `items search` shows it).") var item: Int64
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingFailure {
            let store = try options.environment().store
            guard let shown = try store.item(id: item) else { throw ValidationError("no item \(item)") }
            let story = try store.storyMembers(of: item)
            let revisions = try store.revisions(of: item)
            let curation = try store.curation(itemID: item)
            let history = try store.auditLog(itemID: item, limit: 50)
            if json {
                let object: [String: Any] = [
                    "id": shown.id, "title": shown.title, "link": shown.link ?? NSNull(), "source": shown.sourceID,
                    "date": ISO8601UTC.string(from: shown.listedAt), "health": shown.health,
                    "score": (shown.healthScore * 1000).rounded() / 1000, "tags": Array(Set(shown.tags.map(\.tagID)).filter { !$0.isEmpty }).sorted(),
                    "cves": shown.cves,
                    "vendor_products": (shown.advisory?.vendorProducts ?? []).map { ["vendor": $0.vendor, "product": $0.product] },
                    "known_exploited": shown.cveDetails.filter(\.knownExploited).map(\.cve),
                    "cvss": shown.cvss ?? NSNull(), "language": shown.language ?? NSNull(),
                    "urgency": shown.urgency.name,
                    "urgency_reasons": shown.urgencyReasons.map {
                        ["kind": $0.kind.rawValue, "rule": $0.ruleID, "text": $0.matchedText, "field": $0.field]
                    },
                    "story": story.map { ["id": $0.itemID, "source": $0.sourceID, "title": $0.title, "link": $0.link ?? NSNull()] as [String: Any] },
                    "revisions": revisions.map { ["replaced_at": ISO8601UTC.string(from: $0.replacedAt), "title": $0.title ?? NSNull(),
                                                  "changed": $0.changedFields] as [String: Any] },
                    "state": curation.status.rawValue, "pinned": curation.pinned, "version": curation.version,
                    "title_override": curation.titleOverride ?? NSNull(), "note": curation.note ?? NSNull(),
                    "tags_added": curation.tagsAdded, "tags_removed": curation.tagsRemoved,
                    "history": history.map { ["at": ISO8601UTC.string(from: $0.at), "actor": $0.actor, "action": $0.action] as [String: Any] },
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("\(shown.id)  \(shown.title)")
            print("source: \(shown.sourceTitle)  \(ISO8601UTC.day(from: shown.listedAt))  \(shown.link ?? "")")
            print("health: \(shown.health ? "yes" : "no") (score \(String(format: "%.3f", shown.healthScore)))"
                  + (shown.tags.isEmpty ? "" : "  tags: " + Array(Set(shown.tags.map(\.tagID)).filter { !$0.isEmpty }).sorted().joined(separator: ", ")))
            print("urgency: \(shown.urgency.name)" + (shown.urgencyReasons.isEmpty ? "" : " — "
                  + shown.urgencyReasons.map(\.explanationFR).joined(separator: "; ")))
            if !shown.cves.isEmpty { print("CVE: \(shown.cveDetails.map(\.summary).joined(separator: ", "))") }
            if let cvss = shown.cvss { print("CVSS (highest given): \(cvss)") }
            if let pairs = shown.advisory?.vendorProducts, !pairs.isEmpty {
                print("products (as the advisory structures them): " + pairs.map { "\($0.vendor) — \($0.product)" }.joined(separator: "; "))
            }
            print("state: \(curation.status.rawValue)\(curation.pinned ? ", pinned" : "") (version \(curation.version))"
                  + (curation.updatedBy.map { ", last by \($0)" } ?? ""))
            if let note = curation.note { print("note: \(note)") }
            if !curation.tagsAdded.isEmpty || !curation.tagsRemoved.isEmpty {
                print("tags by hand: +\(curation.tagsAdded.joined(separator: " +")) -\(curation.tagsRemoved.joined(separator: " -"))")
            }
            if story.count > 1 {
                print("story told by \(story.count) items:")
                for member in story {
                    print("  \(member.itemID)  \(ISO8601UTC.day(from: member.listedAt))  \(member.sourceTitle)  \(member.title)")
                }
            }
            if !revisions.isEmpty {
                print("earlier versions:")
                for revision in revisions {
                    print("  until \(ISO8601UTC.string(from: revision.replacedAt)): \(revision.title ?? "")"
                          + " — then changed: \(revision.changedFields.joined(separator: ", "))")
                }
            }
            if !history.isEmpty {
                print("history:")
                for entry in history { print("  \(ISO8601UTC.string(from: entry.at))  \(entry.actor)  \(entry.action)") }
            }
        }
    }
}

/// `cyberveille items merge A B`: B's story is the same as A's.
struct ItemsMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge", abstract: "Put every item of B's story into A's story.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "An item of the story to keep.") var item: Int64
    @Argument(help: "An item of the story merged into it.") var other: Int64
    @OptionGroup var who: ActorOption

    func run() throws {
        try reportingFailure {
            let store = try options.environment().store
            let story = try store.mergeStories(item: item, other: other)
            try store.recordAudit(actor: who.actor, action: "merge", itemID: item, after: ["merged": String(other), "story": String(story)])
            print("story \(story): \(try store.storyMembers(of: item).count) items")
        }
    }
}

/// `cyberveille items split ID`: the item tells a story of its own.
struct ItemsSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split", abstract: "Take an item out of its story into a story of its own.")
    @OptionGroup var options: CommonOptions
    @Argument(help: "The item.") var item: Int64
    @OptionGroup var who: ActorOption

    func run() throws {
        try reportingFailure {
            let store = try options.environment().store
            let story = try store.splitStory(item: item)
            try store.recordAudit(actor: who.actor, action: "split", itemID: item, after: ["story": String(story)])
            print("item \(item) now in story \(story)")
        }
    }
}
