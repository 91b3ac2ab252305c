import FeedParsing
import Foundation
import Ink
import Model
import Storage

/// The actions an editor takes on items, checked against the workflow before they reach the
/// store (which checks the version and writes the audit log in the same transaction).
public struct Curator: Sendable {
    public let store: Store
    /// Tag ids the taxonomy knows: hand-added tags must be among them.
    public let knownTags: Set<String>

    public init(store: Store, knownTags: Set<String>) {
        self.store = store
        self.knownTags = knownTags
    }

    /// select, reject, queue: the move must be one the workflow allows from the item's state.
    @discardableResult
    /// `reason`: why a rejection (ignored for the other moves; cleared when the item leaves rejected).
    public func decide(_ itemID: Int64, _ target: CurationStatus, actor: String, note: String? = nil, reason: String? = nil,
                       expectedVersion: Int? = nil) throws -> CurationState {
        let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        let html = try note.map(Self.renderNote)
        return try store.changeCuration(itemID: itemID, expectedVersion: expectedVersion, actor: actor, action: target.rawValue) { state in
            guard state.status == target || state.status.editorTargets.contains(target) else {
                throw CurationError("item \(itemID) is \(state.status.rawValue): it can be moved to "
                    + state.status.editorTargets.map(\.rawValue).sorted().joined(separator: " or ") + ", not \(target.rawValue)",
                    french: "l'élément \(itemID) est \(state.status.labelFR) : il ne peut pas devenir \(target.labelFR)")
            }
            state.status = target
            state.rejectionReason = target == .rejected ? reason ?? state.rejectionReason : nil
            if let note, let html {
                state.note = note
                state.noteHTML = html
            }
        }
    }

    /// Pins (or unpins) an item: pinned items head the edition. Pinning a rejected item is
    /// refused; pinning a new or queued one selects it.
    @discardableResult
    public func pin(_ itemID: Int64, _ pinned: Bool = true, actor: String, expectedVersion: Int? = nil) throws -> CurationState {
        try store.changeCuration(itemID: itemID, expectedVersion: expectedVersion, actor: actor, action: pinned ? "pin" : "unpin") { state in
            if pinned {
                guard state.status != .rejected else { throw CurationError("item \(itemID) is rejected: select it before pinning it",
                                                                              french: "l'élément \(itemID) est rejeté : sélectionnez-le avant de l'épingler") }
                if state.status == .new || state.status == .queued { state.status = .selected }
            }
            state.pinned = pinned
        }
    }

    /// Marks an urgent item handled (or not): it leaves (or joins again) the home page's
    /// « À traiter en priorité » block; it stays published.
    @discardableResult
    public func markHandled(_ itemID: Int64, _ handled: Bool = true, actor: String, expectedVersion: Int? = nil) throws -> CurationState {
        try store.changeCuration(itemID: itemID, expectedVersion: expectedVersion, actor: actor, action: handled ? "handled" : "unhandled") { state in
            state.handled = handled
        }
    }

    /// The editor's title (empty: back to the source's) and note (Markdown; empty: none).
    @discardableResult
    public func edit(_ itemID: Int64, title: String?, note: String?, actor: String, expectedVersion: Int? = nil) throws -> CurationState {
        let html = try note.map(Self.renderNote)
        return try store.changeCuration(itemID: itemID, expectedVersion: expectedVersion, actor: actor, action: "edit") { state in
            if let title {
                let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
                guard trimmed.count <= 300 else { throw CurationError("a title is at most 300 characters", french: "un titre a au plus 300 caractères") }
                state.titleOverride = trimmed.isEmpty ? nil : trimmed
            }
            if let note {
                let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
                state.note = trimmed.isEmpty ? nil : trimmed
                state.noteHTML = trimmed.isEmpty ? nil : html
            }
        }
    }

    /// `+ransomware -phishing`: tags added or removed by hand, kept apart from the automatic ones.
    @discardableResult
    public func tag(_ itemID: Int64, _ changes: [String], actor: String, expectedVersion: Int? = nil) throws -> CurationState {
        var add: [String] = [], remove: [String] = []
        for change in changes {
            guard let sign = change.first, sign == "+" || sign == "-", change.count > 1 else {
                throw CurationError("\"\(change)\": write +TAG to add a tag, -TAG to remove one",
                                     french: "« \(change) » : écrivez +ÉTIQUETTE pour ajouter une étiquette, -ÉTIQUETTE pour la retirer")
            }
            let tag = String(change.dropFirst())
            guard knownTags.contains(tag) else {
                throw CurationError("unknown tag \"\(tag)\" (the tags are those of Feeds/tagging.toml: \(knownTags.sorted().prefix(8).joined(separator: ", ")), …)",
                                     french: "étiquette inconnue « \(tag) » (celles de Feeds/tagging.toml : \(knownTags.sorted().prefix(8).joined(separator: ", ")), …)")
            }
            if sign == "+" { add.append(tag) } else { remove.append(tag) }
        }
        let (additions, removals) = (add, remove)
        return try store.changeCuration(itemID: itemID, expectedVersion: expectedVersion, actor: actor, action: "tag") { state in
            var added = Set(state.tagsAdded), removed = Set(state.tagsRemoved)
            for tag in additions { added.insert(tag); removed.remove(tag) }
            for tag in removals { removed.insert(tag); added.remove(tag) }
            state.tagsAdded = added.sorted()
            state.tagsRemoved = removed.sorted()
        }
    }

    /// Markdown → HTML (Ink), then the feed sanitizer: an editor's note can link and emphasise,
    /// never run script.
    public static func renderNote(_ markdown: String) throws -> String {
        guard markdown.utf8.count <= 20_000 else { throw CurationError("a note is at most 20,000 bytes", french: "une note a au plus 20 000 octets") }
        return SafeHTML.sanitize(MarkdownParser().html(from: markdown))
    }
}
